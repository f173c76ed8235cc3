import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerCli } from '../src/kube/runtime/docker.js';
import { runPreStopHook } from '../src/kube/runtime/lifecycle-hooks.js';

/** A fake engine: only `exec` is used by hooks; it records the command and answers as told. */
function fakeDocker(answer: boolean, calls: string[][] = []): DockerCli {
  return {
    exec: async (_id: string, command: string[]) => {
      calls.push(command);
      return answer;
    },
  } as unknown as DockerCli;
}

let server: Server;
let port: number;
const paths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.statusCode = req.url === '/broken' ? 500 : 200;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runPreStopHook', () => {
  it('sleeps for the seconds of a sleep action', async () => {
    const started = Date.now();
    const outcome = await runPreStopHook({ sleep: { seconds: 1 } }, port, fakeDocker(true), 'c1', 10_000);
    expect(outcome.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('cuts a sleep short at the end of the grace period left', async () => {
    const started = Date.now();
    await runPreStopHook({ sleep: { seconds: 30 } }, port, fakeDocker(true), 'c1', 300);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('runs an exec action in the container and reports its failure', async () => {
    const calls: string[][] = [];
    const failed = await runPreStopHook(
      { exec: { command: ['/bin/drain', '--now'] } },
      port,
      fakeDocker(false, calls),
      'c1',
      5000,
    );
    expect(calls).toEqual([['/bin/drain', '--now']]);
    expect(failed).toEqual({
      ok: false,
      message: 'Exec lifecycle hook (["/bin/drain","--now"]) for Container in Pod failed',
    });
  });

  it('sends an httpGet action to the pod port and fails on an error status', async () => {
    expect(
      await runPreStopHook({ httpGet: { path: '/drain', port: 8080 } }, port, fakeDocker(true), 'c1', 5000),
    ).toEqual({ ok: true, message: '' });
    const broken = await runPreStopHook({ httpGet: { path: '/broken' } }, port, fakeDocker(true), 'c1', 5000);
    expect(broken.ok).toBe(false);
    expect(broken.message).toContain('received status code 500');
    expect(paths).toEqual(['/drain', '/broken']);
  });
});
