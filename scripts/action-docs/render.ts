import type { ActionMetadata } from '../../actions/lib/src/metadata.js';

export const START_MARKER = '<!-- action-docs:start (generated from action.yml by npm run docs:actions) -->';
export const END_MARKER = '<!-- action-docs:end -->';

/** Table cell text: one line, `|` escaped so it cannot split the cell. */
function cell(text: string): string {
  return text
    .trim()
    .replace(/\s*\r?\n\s*/g, ' ')
    .replace(/\|/g, '\\|');
}

/** A default as code; multi-line defaults one code span a line. */
function defaultCell(value: string | undefined): string {
  if (value === undefined) return '';
  if (value === '') return "`''`";
  return value
    .trim()
    .split(/\r?\n/)
    .map((line) => `\`${line.replace(/\|/g, '\\|')}\``)
    .join('<br>');
}

/** The inputs and outputs tables for an action's README, between the markers. */
export function renderActionTables(metadata: ActionMetadata): string {
  const lines = [START_MARKER, '', '### Inputs', ''];
  const inputs = Object.entries(metadata.inputs);
  if (inputs.length === 0) lines.push('None.');
  else {
    lines.push('| name | description | required | default |', '| --- | --- | --- | --- |');
    for (const [name, input] of inputs) {
      const description = input.deprecationMessage
        ? `${input.description} **Deprecated:** ${input.deprecationMessage}`
        : input.description;
      lines.push(
        `| \`${name}\` | ${cell(description)} | ${input.required ? 'yes' : 'no'} | ${defaultCell(input.default)} |`,
      );
    }
  }
  lines.push('', '### Outputs', '');
  const outputs = Object.entries(metadata.outputs);
  if (outputs.length === 0) lines.push('None.');
  else {
    lines.push('| name | description |', '| --- | --- |');
    for (const [name, output] of outputs) lines.push(`| \`${name}\` | ${cell(output.description)} |`);
  }
  lines.push('', END_MARKER);
  return lines.join('\n');
}

/**
 * The README with its generated block replaced. Throws when the markers are missing or out of order, so
 * hand-written text is never overwritten.
 */
export function replaceGeneratedBlock(readme: string, block: string, source: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`${source}: add the lines '${START_MARKER}' and '${END_MARKER}' where the tables belong`);
  }
  return readme.slice(0, start) + block + readme.slice(end + END_MARKER.length);
}

/** A new README for an action that has none yet. */
export function newReadme(metadata: ActionMetadata, block: string): string {
  return `# ${metadata.name}\n\n${metadata.description.trim()}\n\n## Inputs and outputs\n\n${block}\n`;
}
