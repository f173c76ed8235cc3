import * as core from '@actions/core';

export type OutputValue = string | number | boolean | readonly string[];

/** Lists become one item a line, the form `fromJSON`-free workflows split most easily. */
export function formatOutput(value: OutputValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value.join('\n');
}

export function setOutput(name: string, value: OutputValue): void {
  core.setOutput(name, formatOutput(value));
}

/** Sets every output of a typed record; keys are the output names from action.yml. */
export function setOutputs(outputs: Record<string, OutputValue>): void {
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value);
}
