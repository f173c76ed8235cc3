import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../../lib/src/index.js';
import { type IgnoreRule, parseTrivyIgnore, TrivyIgnoreError } from './trivyignore.js';

/** The rules of the ignore file; a missing default file means none, a missing named one is a mistake. */
export function loadIgnoreFile(file: { path: string; explicit: boolean }): {
  rules: IgnoreRule[];
  path?: string;
} {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !file.explicit) return { rules: [] };
    throw ConfigurationError.invalidInput(
      'ignore-file',
      file.path,
      `a readable .trivyignore file (${(error as Error).message})`,
    );
  }
  try {
    return { rules: parseTrivyIgnore(text, file.path), path: file.path };
  } catch (error) {
    if (error instanceof TrivyIgnoreError) throw new ConfigurationError(error.message);
    throw error;
  }
}
