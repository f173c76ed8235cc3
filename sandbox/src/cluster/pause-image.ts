import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../exec.js';
import { type ContainerdPaths, ctr, pauseImage } from './containerd.js';

interface Blob {
  digest: string;
  size: number;
}

function writeBlob(layoutDir: string, content: Buffer): Blob {
  const hex = createHash('sha256').update(content).digest('hex');
  writeFileSync(join(layoutDir, 'blobs', 'sha256', hex), content);
  return { digest: `sha256:${hex}`, size: content.length };
}

/**
 * Packs the pause program as a one-layer OCI image and imports it into containerd under the name the CRI
 * plugin's `sandbox_image` gives. Done at every start: containerd 1.6 does not pin the sandbox image, and
 * a re-import is how it survives the kubelet's image garbage collection.
 */
export async function importPauseImage(containerd: ContainerdPaths, pauseBinary: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'k8s-ship-pause-'));
  try {
    const rootfs = join(work, 'rootfs');
    mkdirSync(rootfs);
    copyFileSync(pauseBinary, join(rootfs, 'pause'));
    const layerFile = join(work, 'layer.tar');
    await run('tar', [
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--mtime=@0',
      '-C',
      rootfs,
      '-cf',
      layerFile,
      'pause',
    ]);

    const layout = join(work, 'layout');
    mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
    const layer = writeBlob(layout, readFileSync(layerFile));
    const config = writeBlob(
      layout,
      Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Entrypoint: ['/pause'], User: '65535:65535' },
          rootfs: { type: 'layers', diff_ids: [layer.digest] },
        }),
      ),
    );
    const manifest = writeBlob(
      layout,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
        }),
      ),
    );
    writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    writeFileSync(
      join(layout, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            ...manifest,
            annotations: {
              'io.containerd.image.name': pauseImage,
              'org.opencontainers.image.ref.name': '3.10',
            },
          },
        ],
      }),
    );
    const archive = join(work, 'pause.tar');
    await run('tar', ['-C', layout, '-cf', archive, '.']);
    await ctr(containerd, ['images', 'import', archive]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
