/*
 * Reads what an action wrote through the runner's file commands (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV)
 * and its stdout workflow commands (`::error::`, `::add-mask::`, ...), the way the runner does.
 */

/** Parses `name=value` lines and `name<<DELIM` … `DELIM` blocks; later entries win, like the runner. */
export function parseKeyValueFile(text: string, file = 'file command'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    const equals = line.indexOf('=');
    if (heredoc && (equals === -1 || equals > line.indexOf('<<'))) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string);
      if (i >= lines.length) throw new Error(`${file}: no closing delimiter '${delimiter}' for '${name}'`);
      result[name] = value.join('\n');
    } else if (equals > 0) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`${file}: cannot parse line ${JSON.stringify(line)}`);
    }
  }
  return result;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

/** Every `::command key=value,…::message` line of stdout, unescaped. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-zA-Z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const [, command, props, message] = match as unknown as [string, string, string | undefined, string];
    const properties: Record<string, string> = {};
    for (const pair of props ? props.split(',') : []) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command, properties, message: unescapeData(message) });
  }
  return commands;
}

/** What the runner would print: every masked value replaced by `***`, longest first. */
export function applyMasks(text: string, masks: readonly string[]): string {
  return [...masks]
    .filter((mask) => mask !== '')
    .sort((a, b) => b.length - a.length)
    .reduce((masked, mask) => masked.split(mask).join('***'), text);
}

/**
 * What to mask for one secret when a log is read line by line: the value and, for a multi-line value (a
 * private key), each of its lines, which a line never holds all of.
 */
export function maskParts(value: string): string[] {
  const lines = value.includes('\n') ? value.split(/\r?\n/).map((line) => line.trim()) : [];
  return [value, ...lines].filter((part) => part !== '');
}
