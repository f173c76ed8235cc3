import { describe, expect, it } from 'vitest';
import { AbortedError } from '../src/abortable.js';
import {
  CommandFailedError,
  CommandNotFoundError,
  CommandTimeoutError,
  ProcessCommandRunner,
} from '../src/command.js';

// These run the real node binary: the runner's contract is about real processes.
const runner = new ProcessCommandRunner();
const node = process.execPath;

describe('ProcessCommandRunner', () => {
  it('passes arguments verbatim, with no shell to expand them', async () => {
    const tricky = ['$(touch /tmp/pwned)', '`id`', 'a b; echo c', '\'"', '*'];
    const result = await runner.run(node, [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      ...tricky,
    ]);
    expect(JSON.parse(result.stdout)).toEqual(tricky);
    expect(result.exitCode).toBe(0);
  });

  it('feeds stdin and adds env to the inherited environment', async () => {
    const result = await runner.run(
      node,
      [
        '-e',
        'process.stdin.pipe(process.stdout); process.stderr.write(process.env.EXTRA + process.env.PATH.length)',
      ],
      { stdin: 'secret-on-stdin', env: { EXTRA: 'x' } },
    );
    expect(result.stdout).toBe('secret-on-stdin');
    expect(result.stderr).toMatch(/^x\d+$/);
  });

  it('keeps the action’s INPUT_* variables (the registry password) from the child, not PATH or env', async () => {
    const saved = { password: process.env.INPUT_PASSWORD, dashed: process.env['INPUT_PRIVATE-KEY'] };
    process.env.INPUT_PASSWORD = 'registry-secret';
    process.env['INPUT_PRIVATE-KEY'] = 'key-secret';
    try {
      const result = await runner.run(node, ['-e', 'console.log(JSON.stringify(process.env))'], {
        env: { EXPLICIT: 'given', DOCKER_CONFIG: '/job/docker' },
      });
      const seen = JSON.parse(result.stdout) as Record<string, string>;
      expect(Object.keys(seen).filter((name) => name.toUpperCase().startsWith('INPUT_'))).toEqual([]);
      expect(result.stdout).not.toContain('registry-secret');
      expect(result.stdout).not.toContain('key-secret');
      expect(seen.PATH).toBe(process.env.PATH);
      expect(seen).toMatchObject({ EXPLICIT: 'given', DOCKER_CONFIG: '/job/docker' });
    } finally {
      for (const [name, value] of [
        ['INPUT_PASSWORD', saved.password],
        ['INPUT_PRIVATE-KEY', saved.dashed],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('replaces the environment with inheritEnv: false', async () => {
    const result = await runner.run(node, ['-e', 'console.log(Object.keys(process.env).sort().join(","))'], {
      env: { ONLY: '1' },
      inheritEnv: false,
    });
    expect(result.stdout.trim()).toBe('ONLY');
  });

  it('throws CommandFailedError with the exit code and the end of stderr', async () => {
    const error = await runner
      .run(node, ['-e', 'console.error("bad thing"); process.exit(3)'])
      .catch((e: unknown) => e as CommandFailedError);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as CommandFailedError).result.exitCode).toBe(3);
    expect((error as CommandFailedError).message).toMatch(/' exited with code 3: bad thing$/);
  });

  it('resolves with the exit code when ignoreExitCode is set, and streams output', async () => {
    const chunks: string[] = [];
    const result = await runner.run(node, ['-e', 'console.log("hi"); process.exit(2)'], {
      ignoreExitCode: true,
      onStdout: (c) => chunks.push(c),
    });
    expect(result).toEqual({ exitCode: 2, stdout: 'hi\n', stderr: '' });
    expect(chunks.join('')).toBe('hi\n');
  });

  it('runs in cwd', async () => {
    const result = await runner.run(node, ['-e', 'console.log(process.cwd())'], { cwd: '/' });
    expect(result.stdout.trim()).toBe('/');
  });

  it('says which program is missing', async () => {
    await expect(runner.run('definitely-not-a-program-k8s-ship', [])).rejects.toThrow(CommandNotFoundError);
    await expect(runner.run('definitely-not-a-program-k8s-ship', [])).rejects.toThrow(
      "'definitely-not-a-program-k8s-ship' was not found: install it or put it on PATH",
    );
  });

  it('stops a program that outlives timeoutMs', async () => {
    await expect(runner.run(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 })).rejects.toThrow(
      CommandTimeoutError,
    );
  });
});

describe('ProcessCommandRunner with a signal', () => {
  it('rejects at once with AbortedError when the signal fires, and stops the program', async () => {
    const started = Date.now();
    const error = await runner
      .run(node, ['-e', 'setInterval(() => {}, 1000)'], { signal: AbortSignal.timeout(200) })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(200 + 700);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).timedOut).toBe(true);
  });

  it('does not start a program whose signal already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runner.run(node, ['-e', ''], { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
  });
});
