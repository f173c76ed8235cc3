import { describe, expect, it } from 'vitest';
import { inputVariable, isSecretInput, parseArguments } from '../src/arguments.js';
import { UsageError } from '../src/usage-error.js';

const inputs = ['repository', 'password', 'ignore-file', 'tags'];
const secrets = inputs.filter(isSecretInput);
const files: Record<string, string> = { 'pw.txt': 'hunter2\n', 'tags.txt': 'a\nb\n' };
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error('ENOENT: no such file');
  return text;
};
const parse = (argv: string[]) => parseArguments(argv, inputs, secrets, readFile);

describe('parseArguments()', () => {
  it('reads --name value, --name=value, --name-file, global flags and booleans', () => {
    expect(
      parse([
        '--repository',
        'team/api',
        '--tags=x=y',
        '--password-file',
        'pw.txt',
        '--branch',
        'dev',
        '--json',
      ]),
    ).toEqual({
      inputs: { repository: 'team/api', tags: 'x=y', password: 'hunter2' },
      globals: { branch: 'dev' },
      help: false,
      json: true,
      verbose: false,
    });
    expect(parse(['--verbose']).verbose).toBe(true);
  });

  it('keeps an input whose own name ends in -file, and multi-line values from files', () => {
    expect(parse(['--ignore-file', '.trivyignore', '--tags-file', 'tags.txt']).inputs).toEqual({
      'ignore-file': '.trivyignore',
      tags: 'a\nb',
    });
  });

  it.each([
    [['--password', 'hunter2'], 'K8S_SHIP_PASSWORD'],
    [['--password=hunter2'], '--password-file PATH'],
    [['--password-file', 'missing.txt'], "Cannot read --password-file 'missing.txt'"],
    [['--repo', 'x'], 'Unknown flag --repo'],
    [['-r', 'x'], "Unexpected argument '-r'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });

  it('never puts a secret value into its error', () => {
    expect(() => parse(['--password', 'hunter2'])).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

describe('inputVariable() and isSecretInput()', () => {
  it.each([
    ['namespace-prefix', 'K8S_SHIP_NAMESPACE_PREFIX'],
    ['aws-region', 'K8S_SHIP_AWS_REGION'],
  ])('%s → %s', (name, variable) => {
    expect(inputVariable(name)).toBe(variable);
  });

  it.each([
    ['password', true],
    ['ssh-private-key', true],
    ['github-token', true],
    ['passphrase', true],
    ['kms-key', false],
    ['repository', false],
  ])('%s secret: %s', (name, secret) => {
    expect(isSecretInput(name)).toBe(secret);
  });
});
