import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/abortable.js';
import { KubectlClient, KubectlNotFoundError } from '../../src/kubectl/index.js';
import { LocalTransport } from '../../src/process/index.js';

// The local client with Node itself standing in for the kubectl binary: real processes, no cluster.
const node = new KubectlClient(new LocalTransport(), { kubectlPath: process.execPath });

describe('KubectlClient on this machine', () => {
  it('runs argv without a shell and hands stdin over', async () => {
    const result = await node.run(['-e', 'process.stdin.pipe(process.stdout)', '$(id)'], {
      stdin: 'as is; $(x)',
    });
    expect(result).toEqual({ exitCode: 0, stdout: 'as is; $(x)', stderr: '' });
  });

  it('rejects a run at its deadline, at once, even when the program ignores SIGTERM', async () => {
    const stubborn = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);";
    const started = Date.now();
    const error = await node
      .run(['-e', stubborn], { signal: AbortSignal.timeout(300) })
      .catch((e: unknown) => e);
    // Bound, not benchmark: the deadline (300 ms) plus well under a second.
    expect(Date.now() - started).toBeLessThan(300 + 700);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).timedOut).toBe(true);
    expect((error as Error).message).toContain('was stopped: the deadline passed');
  });

  it('does not start a run whose signal already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(node.run(['-e', ''], { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });

  it('says kubectl is missing when the path does not exist', async () => {
    const missing = new KubectlClient(new LocalTransport(), { kubectlPath: '/nonexistent/kubectl' });
    await expect(missing.run(['version'])).rejects.toBeInstanceOf(KubectlNotFoundError);
  });

  it('does not hand the runner’s INPUT_* variables (a private key among them) to kubectl', async () => {
    process.env['INPUT_PRIVATE-KEY'] = 'secret';
    try {
      const client = new KubectlClient(new LocalTransport(), { kubectlPath: process.execPath });
      const { stdout } = await client.run([
        '-e',
        'console.log(Object.keys(process.env).filter((k) => k.startsWith("INPUT_")).length)',
      ]);
      expect(stdout.trim()).toBe('0');
    } finally {
      delete process.env['INPUT_PRIVATE-KEY'];
    }
  });
});
