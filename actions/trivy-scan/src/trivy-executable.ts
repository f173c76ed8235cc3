import * as io from '@actions/io';
import { ConfigurationError } from '../../lib/src/index.js';
import { installTrivy } from '../../lib/src/trivy/installer.js';
import type { TrivyScanInputs } from './inputs.js';

export interface TrivyLocator {
  /** The `trivy` on PATH, or '' when there is none. */
  onPath(): Promise<string>;
  install(version: string, downloadUrl: string): Promise<string>;
}

export const realTrivyLocator: TrivyLocator = {
  onPath: () => io.which('trivy', false),
  install: (version, downloadUrl) => installTrivy({ version, downloadUrl }),
};

/** `auto` prefers a trivy the runner already has (the workflow chose it) over downloading the pinned one. */
export async function locateTrivy(options: TrivyScanInputs['trivy'], locator: TrivyLocator): Promise<string> {
  if (options.source !== 'download') {
    const found = await locator.onPath();
    if (found !== '') return found;
    if (options.source === 'path') {
      throw new ConfigurationError(
        "Input 'trivy-source' is 'path' but no trivy is on PATH: install it or use 'auto'.",
      );
    }
  }
  return locator.install(options.version, options.downloadUrl);
}
