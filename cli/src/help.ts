import { GLOBAL_FLAGS, inputVariable, isSecretInput } from './arguments.js';
import type { Command } from './commands.js';
import { QUIET_MS } from './live-log.js';

const WIDTH = 100;

function wrap(text: string, indent: string): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

function defaultText(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  return ` (default: ${value.trim().split('\n').join(', ')})`;
}

/** `k8s-ship --help`: the commands, each with its action's description. */
export function generalHelp(commands: readonly Command[]): string {
  const lines = [
    'Usage: k8s-ship <command> [--<input> <value>]... [--json] [--verbose]',
    '',
    'Runs the k8s-ship actions outside GitHub Actions, through the same runner contract GitHub uses.',
    'Inputs come from flags or K8S_SHIP_<INPUT> environment variables. Exit codes: 0 success,',
    '1 the action failed, 2 the command line is wrong.',
    '',
    'Commands:',
  ];
  const width = Math.max(...commands.map((command) => command.name.length));
  const indent = ' '.repeat(width + 4);
  for (const command of commands) {
    const text = wrap(command.metadata.description, indent);
    lines.push(`  ${command.name.padEnd(width)}  ${text.slice(indent.length)}`);
  }
  lines.push('', 'Run `k8s-ship <command> --help` for its inputs and outputs.');
  return `${lines.join('\n')}\n`;
}

/** `k8s-ship <command> --help`, generated from the action's action.yml. */
export function commandHelp(command: Command): string {
  const { metadata } = command;
  const lines = [
    `Usage: k8s-ship ${command.name} [--<input> <value>]... [--json] [--verbose]`,
    '',
    wrap(metadata.description, ''),
    '',
  ];
  lines.push('Inputs (flag, or environment variable):');
  for (const [name, input] of Object.entries(metadata.inputs)) {
    const flag = isSecretInput(name) ? `--${name}-file PATH` : `--${name}`;
    const required = input.required && input.default === undefined ? ' [required]' : '';
    lines.push(`  ${flag}, ${inputVariable(name)}${required}`);
    lines.push(wrap(`${input.description}${defaultText(input.default)}`, '      '));
  }
  lines.push('', 'Run context:');
  for (const [name, description] of Object.entries(GLOBAL_FLAGS)) {
    lines.push(`  --${name}, ${inputVariable(name)}`, wrap(description, '      '));
  }
  lines.push('  --json', '      Print the outputs as one JSON object instead of name=value lines.');
  lines.push(
    '  --verbose',
    wrap(
      'Print every line the steps log: group contents and debug lines too. By default: what a step says, ' +
        `the title of each group and, inside a group, at most its latest line every ${QUIET_MS / 1000} s; warnings and ` +
        'errors always.',
      '      ',
    ),
  );
  lines.push(
    '',
    wrap(
      `The log goes to stderr ${command.kind === 'javascript' ? 'while the action runs' : 'as each step ends'} ` +
        '(masked values as ***), then a summary of each step; the outputs go to stdout.',
      '',
    ),
  );
  lines.push('', 'Outputs:');
  for (const [name, output] of Object.entries(metadata.outputs)) {
    lines.push(`  ${name}`, wrap(output.description, '      '));
  }
  return `${lines.join('\n')}\n`;
}
