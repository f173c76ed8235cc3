import * as core from '@actions/core';

// Every value masked in this process; state helpers refuse to persist any of them.
const maskedValues = new Set<string>();

/**
 * Masks a secret in the runner's logs. Multi-line secrets (private keys) are masked line by line as well,
 * because the runner matches masks against single log lines.
 */
export function maskSecret(value: string): void {
  if (value === '') return;
  const parts = [value, ...value.split(/\r?\n/).map((line) => line.trim())];
  for (const part of new Set(parts)) {
    if (part.length < 2) continue; // masking one character would blank the whole log
    core.setSecret(part);
    maskedValues.add(part);
  }
}

/** True when `text` contains any value masked in this process. */
export function containsSecret(text: string): boolean {
  for (const secret of maskedValues) if (text.includes(secret)) return true;
  return false;
}
