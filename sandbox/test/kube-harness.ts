import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNodeBaseImage } from '../src/base-image.js';
import { type DockerEngine, dockerEnv } from '../src/docker-engine.js';
import { CommandError, type RunResult, run, sleep, waitFor } from '../src/exec.js';
import { repoRoot } from '../src/paths.js';
import { useDockerEngine } from '../src/testing.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read open-ended Kubernetes JSON
type Json = any;

const kubeMain = join(repoRoot, 'sandbox', 'src', 'kube', 'main.ts');

/** One Kubernetes API sandbox process of a test file, driven with the real kubectl. */
export interface KubeSandbox {
  url: string;
  kubeconfig: string;
  instanceId: string;
  /** The process's --state-dir (its own files are under kube/). */
  stateDir: string;
  engine: DockerEngine;
  /** The local Node runtime image that test pods run (no image can be pulled from the internet). */
  nodeImage: string;
  kubectl(args: readonly string[], input?: string): Promise<RunResult>;
  /** Runs kubectl expecting it to fail; returns what it printed on stderr. */
  kubectlFails(args: readonly string[], input?: string): Promise<string>;
  json<T = Json>(args: readonly string[]): Promise<T>;
  stop(): Promise<void>;
  log(): string;
}

export async function startKubeSandbox(): Promise<KubeSandbox> {
  const engine = await useDockerEngine();
  const nodeImage = await ensureNodeBaseImage(engine, 'runtime');
  const dir = mkdtempSync(join(tmpdir(), 'kube-sandbox-test-'));
  const logFile = join(dir, 'process.log');
  const child: ChildProcess = spawn(
    process.execPath,
    // Back-off shortened from the kubelet's 10 s / 300 s so that CrashLoopBackOff shows within seconds.
    [
      '--import',
      'tsx',
      kubeMain,
      '--port',
      '0',
      '--state-dir',
      dir,
      '--docker-host',
      engine.host,
      '--backoff-ms',
      '1000',
      '--max-backoff-ms',
      '4000',
    ],
    { cwd: repoRoot, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] },
  );
  const readyFile = join(dir, 'kube', 'ready.json');
  await waitFor(
    `the kube sandbox to write ${readyFile} (log: ${logFile})`,
    async () => existsSync(readyFile),
    60_000,
  );
  const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as {
    url: string;
    pid: number;
    instanceId: string;
  };
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'sandbox', cluster: { server: ready.url } }],
      users: [{ name: 'test', user: {} }],
      contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: 'test', namespace: 'default' } }],
      'current-context': 'sandbox',
    }),
    { mode: 0o600 },
  );
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const kubectl = (args: readonly string[], input?: string) =>
    run('kubectl', args, { env, input, timeoutMs: 110_000 });
  return {
    url: ready.url,
    kubeconfig,
    instanceId: ready.instanceId,
    stateDir: dir,
    engine,
    nodeImage,
    kubectl,
    async kubectlFails(args, input) {
      try {
        const result = await kubectl(args, input);
        throw new Error(`kubectl ${args.join(' ')} was expected to fail but printed: ${result.stdout}`);
      } catch (error) {
        if (error instanceof CommandError) return error.stderr;
        throw error;
      }
    },
    async json(args) {
      return JSON.parse((await kubectl([...args, '-o', 'json'])).stdout);
    },
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const deadline = Date.now() + 60_000;
        while (child.exitCode === null && Date.now() < deadline) await sleep(100);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      const left = await run(
        'docker',
        ['ps', '--all', '--quiet', '--filter', `label=k8s-ship.sandbox=${ready.instanceId}`],
        {
          env: dockerEnv(engine),
        },
      );
      rmSync(dir, { recursive: true, force: true });
      if (left.stdout.trim() !== '')
        throw new Error(`the kube sandbox left containers behind: ${left.stdout}`);
    },
  };
}

/** A pod command for the local Node image: an HTTP server on $PORT answering `<body> <GREETING>`. */
export function httpServerCommand(body: string): string[] {
  return [
    'node',
    '-e',
    `require('http').createServer((q,s)=>s.end(${JSON.stringify(body)}+' '+(process.env.GREETING||'')+'\\n')).listen(+process.env.PORT,'127.0.0.1')`,
  ];
}

/** Polls kubectl until `check` accepts its output; fails with the last output seen. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (check(last)) return last;
    await sleep(300);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}
