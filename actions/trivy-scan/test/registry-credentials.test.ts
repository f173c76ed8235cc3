import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { inputEnv, runInProcess } from '../../build-push/test/in-process.js';
import { CommandFailedError, ConfigurationError, ProcessCommandRunner } from '../../lib/src/index.js';
import { getInputs } from '../src/inputs.js';
import { run } from '../src/main.js';
import { registryOf, registryRefusal } from '../src/registry-refusal.js';
import { fixturesDir } from './fixtures.js';

const password = 'c0rrect,horse "battery"\n';
const image =
  '127.0.0.1:5000/shop/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const set: string[] = [];

function withInputs(inputs: Record<string, string>): void {
  for (const [key, value] of Object.entries(inputEnv(inputs))) {
    process.env[key] = value;
    set.push(key);
  }
}

afterEach(() => {
  for (const key of set.splice(0)) delete process.env[key];
  vi.restoreAllMocks();
});

/** What this process prints (the runner's log), while `fn` runs. */
async function capturedStdout(fn: () => Promise<unknown> | unknown): Promise<string> {
  let text = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  try {
    await fn();
  } finally {
    vi.restoreAllMocks();
  }
  return text;
}

describe('the username and password inputs', () => {
  test('both given: credentials for Trivy, the password read untrimmed and masked first', async () => {
    withInputs({ 'image-ref': image, username: 'k8s-ship', password });
    let inputs: ReturnType<typeof getInputs> | undefined;
    const log = await capturedStdout(() => {
      inputs = getInputs();
    });
    expect(inputs?.registryCredentials).toEqual({ username: 'k8s-ship', password });
    expect(log).toContain('::add-mask::c0rrect,horse "battery"');
  });

  test('neither given: no credentials', () => {
    withInputs({ 'image-ref': image });
    expect(getInputs().registryCredentials).toBeUndefined();
  });

  test('a password without a username is refused, naming username', () => {
    withInputs({ 'image-ref': image, password });
    expect(() => getInputs()).toThrow(ConfigurationError);
    expect(() => getInputs()).toThrow(
      "Input 'username' is required when 'password' is set: pass the registry user the password belongs to.",
    );
  });

  test('a username without a password is refused, naming password', () => {
    withInputs({ 'image-ref': image, username: 'k8s-ship', password: '  ' });
    expect(() => getInputs()).toThrow(ConfigurationError);
    expect(() => getInputs()).toThrow(
      "Input 'password' is required when 'username' is set: pass the registry password or token from a secret.",
    );
  });

  test.each(['robot,two', 'say "hi"', 'two words'])(
    'a username Trivy would split or misread (%s) is refused before Trivy runs',
    (username) => {
      withInputs({ 'image-ref': image, username, password });
      expect(() => getInputs()).toThrow(
        /^Invalid input 'username': .+\. Expected a registry user name without commas, quotes or whitespace\.$/,
      );
    },
  );

  test("errors about the credentials never show the password's value", () => {
    withInputs({ 'image-ref': image, username: 'a,b', password });
    expect(() => getInputs()).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('c0rrect') }),
    );
  });
});

/**
 * run() in this process with the real ProcessCommandRunner and, in place of Trivy, a script that records
 * its argv, its stdin and its whole environment, then writes Trivy's real reports (the fixtures).
 */
describe('run() hands the password to Trivy', () => {
  let root: string;
  let trivy: string;
  let recordFile: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trivy-credentials-'));
    recordFile = join(root, 'calls.jsonl');
    const recorder = join(root, 'record.cjs');
    writeFileSync(
      recorder,
      `const fs = require('node:fs');
const args = process.argv.slice(2);
if (args[0] === '--version') { console.log('Version: 0.74.0'); process.exit(0); }
const stdin = fs.readFileSync(0, 'utf8');
fs.appendFileSync(${JSON.stringify(recordFile)}, JSON.stringify({ args, stdin, env: process.env }) + '\\n');
const output = args[args.indexOf('--output') + 1];
const fixture = args[0] === 'image' ? 'alpine-310.json' : 'alpine-310.sarif';
fs.copyFileSync(${JSON.stringify(fixturesDir)} + '/' + fixture, output);
`,
    );
    trivy = join(root, 'trivy');
    writeFileSync(trivy, `#!/bin/sh\nexec '${process.execPath}' '${recorder}' "$@"\n`);
    chmodSync(trivy, 0o755);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('on stdin only: not on argv, not in its environment, not in the log', async () => {
    const cacheDir = join(root, 'cache');
    mkdirSync(join(cacheDir, 'db'), { recursive: true });
    const db = { Version: 2, UpdatedAt: '2026-01-01T00:00:00Z', NextUpdate: '2026-01-02T00:00:00Z' };
    writeFileSync(join(cacheDir, 'db', 'metadata.json'), JSON.stringify(db));
    const inputs = {
      'image-ref': image,
      username: 'k8s-ship',
      password,
      'fail-on': 'NONE',
      'cache-dir': cacheDir,
      'report-dir': join(root, 'reports'),
      'ignore-file': '',
    };
    let step: Awaited<ReturnType<typeof runInProcess>> | undefined;
    const log = await capturedStdout(async () => {
      step = await runInProcess(inputEnv(inputs), () =>
        run({
          runner: new ProcessCommandRunner(),
          locator: { onPath: async () => trivy, install: () => Promise.reject(new Error('no download')) },
          createEcrClient: () => {
            throw new Error('not for scanner trivy');
          },
          now: () => new Date('2026-01-01T12:00:00Z'),
        }),
      );
    });
    expect(step?.outputs).toMatchObject({ passed: 'true', total: '4' });

    const calls = readFileSync(recordFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { args: string[]; stdin: string; env: Record<string, string> });
    expect(calls.map((call) => call.args[0])).toEqual(['image', 'convert']);
    const [scan, convert] = calls;
    expect(scan?.args).toEqual(expect.arrayContaining(['--username=k8s-ship', '--password-stdin']));
    expect(scan?.args.at(-1)).toBe(image);
    expect(scan?.stdin).toBe(password);
    expect(convert?.stdin).toBe('');
    for (const call of calls) {
      expect(call.args.join(' ')).not.toContain('c0rrect');
      expect(Object.entries(call.env).filter(([, value]) => value.includes('c0rrect'))).toEqual([]);
    }
    // The one place the value may appear: the commands that tell the runner to mask it (value and lines).
    const logLines = log.split('\n').filter((line) => line.includes('c0rrect'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).toMatch(/^::add-mask::/);
  });
});

describe('registryRefusal', () => {
  // Trivy 0.74's stderr for an image only in a registry that wants credentials, as the real one printed it
  // in bundle.itg.test.ts (its registry, repository and digest replaced by this file's image).
  const unauthorized = [
    `2026-12-04T16:11:29Z\tFATAL\tFatal error\trun error: image scan error: scan error: unable to initialize a scan service: unable to initialize artifact: unable to initialize container image: unable to find the specified image "${image}" in ["docker" "containerd" "podman" "remote"]: 4 errors occurred:`,
    `\t* docker error: unable to inspect the image (${image}): Error response from daemon: no such image: ${image}: No such image: ${image}`,
    '\t* containerd error: containerd socket not found: /run/containerd/containerd.sock',
    '\t* podman error: unable to initialize Podman client: no podman socket found: stat podman/podman.sock: no such file or directory',
    '\t* remote error: GET http://127.0.0.1:5000/v2/shop/api/manifests/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:shop/api Type:repository]]',
  ].join('\n');
  const failed = (stderr: string) =>
    new CommandFailedError('/opt/trivy', ['image'], { exitCode: 1, stdout: '', stderr });

  test('without credentials: the registry, its answer and the inputs to set', () => {
    expect(registryRefusal(failed(unauthorized), image, undefined)?.message).toBe(
      `The registry 127.0.0.1:5000 answered UNAUTHORIZED: authentication required for ${image}: it wants credentials: pass them in the inputs 'username' and 'password'.`,
    );
  });

  test('with credentials: says it refused that user, never shows the password', () => {
    const error = registryRefusal(failed(unauthorized), image, { username: 'k8s-ship', password });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.message).toContain("it refused user 'k8s-ship' with the password given");
    expect(error?.message).not.toContain('c0rrect');
  });

  test('any other failure is left as it is', () => {
    expect(
      registryRefusal(failed('FATAL failed to open db: invalid database'), image, undefined),
    ).toBeUndefined();
    expect(registryRefusal(new Error('UNAUTHORIZED'), image, undefined)).toBeUndefined();
  });

  test.each([
    ['127.0.0.1:5000/shop/api@sha256:0123', '127.0.0.1:5000'],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    ['localhost/api:1', 'localhost'],
    ['library/node:24', 'docker.io'],
    ['node', 'docker.io'],
  ])('registryOf(%s) is %s', (ref, registry) => {
    expect(registryOf(ref)).toBe(registry);
  });
});
