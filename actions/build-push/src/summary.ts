import { code, heading, table } from '../../lib/src/index.js';
import type { PublishResult } from './publish.js';

function megabytes(bytes: number): string {
  return bytes === 0
    ? 'unknown (built by buildx, not loaded locally)'
    : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export function publishSummary(result: PublishResult): string {
  const tags = result.tags.map((tag) => code(tag).html).join('<br>');
  return (
    heading(`Image ${result.image}`) +
    table(
      ['', ''],
      [
        ['Digest', code(result.digest)],
        [
          'Tags',
          {
            html: result.tagged
              ? tags
              : `none yet: pushed by digest, untagged until the scan passes; to add then:<br>${tags}`,
          },
        ],
        ['Size', megabytes(result.sizeBytes)],
        ['Build time', `${(result.buildMs / 1000).toFixed(1)} s`],
        ...(result.uploadedBytes === undefined
          ? []
          : [['Uploaded', `${(result.uploadedBytes / 1_000_000).toFixed(1)} MB`] as [string, string]]),
        ...(result.alreadyPresent.length > 0
          ? [['Already in the registry', result.alreadyPresent.join(', ')] as [string, string]]
          : []),
      ],
    )
  );
}
