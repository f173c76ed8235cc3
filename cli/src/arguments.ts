import { UsageError } from './usage-error.js';

/** Flags the CLI itself reads (the run's git context and how to run), apart from the action's inputs. */
export const GLOBAL_FLAGS = {
  branch: 'Branch being shipped (refs/heads/<branch>); default: the checked-out branch.',
  tag: 'Tag being shipped (refs/tags/<tag>) instead of a branch.',
  sha: 'Commit being shipped; default: HEAD.',
  event:
    '`push` (default) or `workflow_dispatch`: a manual run on the branch, whose `environment` choice is the --environment input.',
  'github-repository':
    'owner/name for GITHUB_REPOSITORY; default: from the origin remote, else local/<folder>.',
  workspace: 'The checkout to build and deploy (GITHUB_WORKSPACE); default: the current folder.',
  node: '`node24` (GitHub’s runtime, .cache/node24; the default when installed) or `local` (the Node running the CLI).',
} as const;

export type GlobalFlag = keyof typeof GLOBAL_FLAGS;
const BOOLEAN_FLAGS = new Set(['help', 'json', 'verbose']);

export interface ParsedArguments {
  inputs: Record<string, string>;
  globals: Partial<Record<GlobalFlag, string>>;
  help: boolean;
  json: boolean;
  /** Every line the steps print (debug lines, each docker build step); by default only what a person reads. */
  verbose: boolean;
}

/**
 * `--name value`, `--name=value`, `--name-file PATH` for the action's inputs and the global flags.
 * `secretInputs` may not be given on the command line (other users can read argv): only from a file or
 * the environment.
 */
export function parseArguments(
  argv: readonly string[],
  inputNames: readonly string[],
  secretInputs: readonly string[],
  readFile: (path: string) => string,
): ParsedArguments {
  const parsed: ParsedArguments = { inputs: {}, globals: {}, help: false, json: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const match = /^--([a-z0-9][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(`Unexpected argument '${arg}'. Expected --<input> <value>; see --help.`);
    const name = match[1] as string;
    if (BOOLEAN_FLAGS.has(name) && match[2] === undefined) {
      parsed[name as 'help' | 'json' | 'verbose'] = true;
      continue;
    }
    const takeValue = (): string => {
      if (match[2] !== undefined) return match[2];
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`Flag --${name} needs a value.`);
      i++;
      return next;
    };
    const fileOf = name.endsWith('-file') ? name.slice(0, -'-file'.length) : undefined;
    if (fileOf !== undefined && inputNames.includes(fileOf)) {
      const path = takeValue();
      try {
        // Like a value given on stdin: a trailing newline of the file is not part of the value.
        parsed.inputs[fileOf] = readFile(path).replace(/\r?\n$/, '');
      } catch (error) {
        throw new UsageError(`Cannot read --${name} '${path}': ${(error as Error).message}`);
      }
    } else if (secretInputs.includes(name)) {
      throw new UsageError(
        `Input '${name}' is secret and may not be given on the command line, where other users can read it. ` +
          `Use --${name}-file PATH or the environment variable ${inputVariable(name)}.`,
      );
    } else if (inputNames.includes(name)) {
      parsed.inputs[name] = takeValue();
    } else if (name in GLOBAL_FLAGS) {
      parsed.globals[name as GlobalFlag] = takeValue();
    } else {
      throw new UsageError(`Unknown flag --${name}. Run with --help to list the inputs.`);
    }
  }
  return parsed;
}

/** The environment variable that gives an input or global flag: `K8S_SHIP_` + upper case, `-` → `_`. */
export function inputVariable(name: string): string {
  return `K8S_SHIP_${name.toUpperCase().replace(/-/g, '_')}`;
}

/** Inputs taken from K8S_SHIP_* variables, for those not given as flags. */
export function inputsFromEnvironment(
  inputNames: readonly string[],
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const name of inputNames) {
    const value = env[inputVariable(name)];
    if (value !== undefined) inputs[name] = value;
  }
  return inputs;
}

/** Inputs whose values are credentials, by name: never accepted on argv, always masked. */
export function isSecretInput(name: string): boolean {
  return /password|passphrase|private-key|token|secret/.test(name);
}
