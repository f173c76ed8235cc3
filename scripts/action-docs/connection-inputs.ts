import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The SSH connection inputs, written once; `npm run docs:actions` copies them into these actions. */
export const CONNECTION_INPUTS_SOURCE = 'actions/lib/src/ssh/connection-inputs.yml';
export const CONNECTION_INPUT_ACTIONS = ['ssh-set-image', 'rollout-wait', 'preview-cleanup'] as const;

export const BEGIN_CONNECTION_INPUTS = `  # BEGIN connection inputs: generated from ${CONNECTION_INPUTS_SOURCE} by \`npm run docs:actions\``;
export const END_CONNECTION_INPUTS = '  # END connection inputs';

export function readConnectionInputs(root: string): string {
  return readFileSync(join(root, CONNECTION_INPUTS_SOURCE), 'utf8');
}

/** The source's inputs (its leading comment left out), indented as entries of an action.yml `inputs:`. */
export function connectionInputsBlock(source: string): string {
  const lines = source.replace(/\n+$/, '').split('\n');
  const first = lines.findIndex((line) => !line.startsWith('#'));
  return lines
    .slice(first)
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

/** The action.yml with its generated block replaced by the source's inputs; throws when the block is missing. */
export function withConnectionInputs(actionYml: string, source: string, path: string): string {
  const begin = actionYml.indexOf(BEGIN_CONNECTION_INPUTS);
  const end = actionYml.indexOf(END_CONNECTION_INPUTS);
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error(
      `${path} has no generated connection-inputs block: put the lines '${BEGIN_CONNECTION_INPUTS.trim()}' and '${END_CONNECTION_INPUTS.trim()}' where its SSH inputs go`,
    );
  }
  const head = actionYml.slice(0, begin + BEGIN_CONNECTION_INPUTS.length);
  return `${head}\n${connectionInputsBlock(source)}\n${actionYml.slice(end)}`;
}
