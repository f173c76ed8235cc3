import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The infra/ folder, found relative to this file so that no machine path is written down. */
export const infraDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
