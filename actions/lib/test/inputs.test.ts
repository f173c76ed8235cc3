import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../src/errors.js';
import {
  formatDuration,
  getBooleanInput,
  getDurationInput,
  getEnumInput,
  getIntegerInput,
  getListInput,
  getOptionalInput,
  getRequiredInput,
  getSecretInput,
  getYamlInput,
  parseDuration,
  parseList,
  parseMultiline,
} from '../src/inputs.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('required and optional inputs', () => {
  it('getRequiredInput() returns the trimmed value of INPUT_<NAME> with spaces as underscores', () => {
    vi.stubEnv('INPUT_MY_INPUT', '  value  ');
    expect(getRequiredInput('my input')).toBe('value');
  });

  it('getRequiredInput() throws a ConfigurationError naming the input when it is empty', () => {
    vi.stubEnv('INPUT_REGISTRY', '   ');
    const error = catchError(() => getRequiredInput('registry', 'Set it to your registry host.'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe("Input 'registry' is required but was empty. Set it to your registry host.");
  });

  it('getOptionalInput() turns an empty value into undefined and keeps hyphens in the variable name', () => {
    vi.stubEnv('INPUT_BUILD-ARGS', '');
    expect(getOptionalInput('build-args')).toBeUndefined();
    vi.stubEnv('INPUT_BUILD-ARGS', 'A=1');
    expect(getOptionalInput('build-args')).toBe('A=1');
  });
});

describe('getSecretInput()', () => {
  it('masks the value and each of its lines before returning it', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.stubEnv('INPUT_KEY', 'line-one\nline-two\n');
    expect(getSecretInput('key', { required: true })).toBe('line-one\nline-two\n');
    const printed = write.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toContain('::add-mask::line-one%0Aline-two%0A');
    expect(printed).toContain('::add-mask::line-one\n');
    expect(printed).toContain('::add-mask::line-two\n');
  });

  it('throws when required and empty, and returns undefined when optional and empty', () => {
    vi.stubEnv('INPUT_PASSWORD', '');
    expect(getSecretInput('password')).toBeUndefined();
    expect(() => getSecretInput('password', { required: true })).toThrow("Input 'password' is required");
  });
});

describe('typed inputs', () => {
  it('getBooleanInput() accepts the YAML 1.2 spellings and uses the default when empty', () => {
    vi.stubEnv('INPUT_PUSH', 'TRUE');
    expect(getBooleanInput('push', false)).toBe(true);
    vi.stubEnv('INPUT_PUSH', 'False');
    expect(getBooleanInput('push', true)).toBe(false);
    vi.stubEnv('INPUT_PUSH', '');
    expect(getBooleanInput('push', true)).toBe(true);
  });

  it('getBooleanInput() rejects yes with the input, the value and what was expected', () => {
    vi.stubEnv('INPUT_PUSH', 'yes');
    expect(() => getBooleanInput('push', false)).toThrow(
      "Invalid input 'push': 'yes'. Expected true or false.",
    );
  });

  it.each([
    ['0', 0],
    ['600', 600],
    ['+5', 5],
  ])('getIntegerInput() reads %s within bounds', (raw, expected) => {
    vi.stubEnv('INPUT_TIMEOUT', raw);
    expect(getIntegerInput('timeout', 1, { min: 0, max: 600 })).toBe(expected);
  });

  it.each(['601', '-1', '1.5', '1e3', 'ten', '99999999999999999999'])(
    'getIntegerInput() rejects %s naming the bounds',
    (raw) => {
      vi.stubEnv('INPUT_TIMEOUT', raw);
      expect(() => getIntegerInput('timeout', 1, { min: 0, max: 600 })).toThrow(
        `Invalid input 'timeout': '${raw}'. Expected an integer from 0 to 600.`,
      );
    },
  );

  it('getEnumInput() returns the allowed spelling when case-insensitive and lists the choices on error', () => {
    vi.stubEnv('INPUT_MODE', 'Buildx');
    expect(getEnumInput('mode', ['buildx', 'classic'] as const, 'classic', { caseInsensitive: true })).toBe(
      'buildx',
    );
    expect(() => getEnumInput('mode', ['buildx', 'classic'] as const, 'classic')).toThrow(
      "Invalid input 'mode': 'Buildx'. Expected one of buildx, classic.",
    );
  });

  it('getListInput() splits commas and newlines and checks each item against the allowed values', () => {
    vi.stubEnv('INPUT_FAIL-ON', 'high,\n critical ,,');
    const severities = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
    expect(getListInput('fail-on', severities, { caseInsensitive: true })).toEqual(['HIGH', 'CRITICAL']);
    vi.stubEnv('INPUT_FAIL-ON', 'BAD');
    expect(() => getListInput('fail-on', severities)).toThrow(
      "Invalid input 'fail-on': 'BAD'. Expected a comma-separated list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL.",
    );
  });

  it('parseList() without allowed values returns the trimmed items', () => {
    expect(parseList('tags', ' a ,b\nc\n\n')).toEqual(['a', 'b', 'c']);
  });

  it('parseMultiline() keeps commas inside a line and drops blanks and comments', () => {
    expect(parseMultiline('A=1,2\n\n# note\n  B=x  ')).toEqual(['A=1,2', 'B=x']);
  });

  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['90', 90_000],
    ['1.5s', 1500],
  ])('parseDuration() reads %s as %d ms', (raw, ms) => {
    expect(parseDuration('timeout', raw)).toBe(ms);
  });

  it.each(['', '5 m', '5min', '-5s', 'm5', '1h-'])('parseDuration() rejects %j', (raw) => {
    expect(() => parseDuration('timeout', raw)).toThrow(
      /Invalid input 'timeout': '.*'\. Expected a duration/,
    );
  });

  it('getDurationInput() enforces bounds and names them in the message', () => {
    vi.stubEnv('INPUT_TIMEOUT', '2h');
    expect(() => getDurationInput('timeout', 60_000, { minMs: 1000, maxMs: 3_600_000 })).toThrow(
      'from 1s to 1h.',
    );
    vi.stubEnv('INPUT_TIMEOUT', '');
    expect(getDurationInput('timeout', 60_000)).toBe(60_000);
  });

  it('formatDuration() gives the shortest exact text', () => {
    expect(formatDuration(5_430_250)).toBe('1h30m30s250ms');
    expect(formatDuration(0)).toBe('0s');
  });

  it('getYamlInput() parses mappings and names the input when the YAML is broken', () => {
    vi.stubEnv('INPUT_MAPPING', 'main: prod\nstage: stage\n');
    expect(getYamlInput('mapping')).toEqual({ main: 'prod', stage: 'stage' });
    vi.stubEnv('INPUT_MAPPING', 'main: [prod');
    expect(() => getYamlInput('mapping')).toThrow(
      /^Invalid input 'mapping': 'main: \[prod'\. Expected valid YAML/,
    );
    vi.stubEnv('INPUT_MAPPING', '');
    expect(getYamlInput('mapping')).toBeUndefined();
  });

  it('errors show newlines in values as \\n and cap long values', () => {
    vi.stubEnv('INPUT_PUSH', `x\n${'y'.repeat(300)}`);
    const message = catchError(() => getBooleanInput('push', false)).message;
    expect(message).toContain("'x\\nyyy");
    expect(message).toContain('…');
    expect(message.length).toBeLessThan(300);
  });
});
