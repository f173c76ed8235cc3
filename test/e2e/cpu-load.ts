import { type ChildProcess, spawn } from 'node:child_process';

/**
 * What runs inside each pod (`node -e`, the service image's own node): it spends `millicores` of CPU time
 * in every 100 ms, measured with process.cpuUsage() so that a busy machine does not inflate it, and stops
 * by itself after `maxMs` or as soon as its stdin ends (the test closing `kubectl exec -i`'s stdin).
 * Nothing leaves the pod: no network, no file. On exit it prints the CPU time it spent.
 */
const BURNER = `
const [millicores, maxMs] = process.argv.slice(1).map(Number);
const periodMs = 100;
const budgetUs = millicores * periodMs;
const started = process.cpuUsage();
const deadline = Date.now() + maxMs;
process.on('exit', () => {
  const used = process.cpuUsage(started);
  process.stdout.write(JSON.stringify({ cpuMs: Math.round((used.user + used.system) / 1000) }) + '\\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
const tick = () => {
  const begun = Date.now();
  if (begun >= deadline) process.exit(0);
  const before = process.cpuUsage();
  while (Date.now() - begun < periodMs) {
    const used = process.cpuUsage(before);
    if (used.user + used.system >= budgetUs) break;
  }
  setTimeout(tick, Math.max(0, periodMs - (Date.now() - begun)));
};
tick();
`;

export interface CpuLoadOptions {
  kubeconfig: string;
  namespace: string;
  /** The pods to load, and the container in them. */
  pods: readonly string[];
  container: string;
  /** CPU each pod spends on the load, in millicores. */
  millicores: number;
  /** Bound: every burner stops by itself after this long, whatever the test does. */
  maxMs: number;
}

export interface PodLoadReport {
  pod: string;
  /** CPU time the burner spent in the pod, as it reported on exit; undefined when it printed nothing. */
  cpuMs?: number;
  exitCode: number | null;
  stderr: string;
}

export interface CpuLoad {
  /** Ends the burners (closes their stdin), waits for them, and reports what each one spent. */
  stop(): Promise<PodLoadReport[]>;
}

/**
 * CPU load inside the service's pods, for the HPA: one `kubectl exec -i POD -- node -e BURNER` per pod.
 * The service has no CPU-heavy endpoint, so the load runs in the pods' own containers (and so in their
 * cgroups, where the kubelet and metrics-server measure it), bounded in rate and in time.
 */
export function startCpuLoad(options: CpuLoadOptions): CpuLoad {
  const { kubeconfig, namespace, container, millicores, maxMs } = options;
  if (!(millicores > 0 && millicores <= 1000))
    throw new Error(`millicores ${millicores} is not in (0, 1000]`);
  const burners = options.pods.map((pod) => {
    const child: ChildProcess = spawn(
      'kubectl',
      [
        'exec',
        '--stdin',
        pod,
        '--namespace',
        namespace,
        '--container',
        container,
        '--',
        'node',
        '-e',
        BURNER,
        String(millicores),
        String(maxMs),
      ],
      { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
    child.stdin?.on('error', () => {}); // the exec ended first: nothing left to close
    const ended = new Promise<PodLoadReport>((resolve) => {
      child.on('close', (exitCode) => {
        const cpuMs = /"cpuMs":(\d+)/.exec(stdout)?.[1];
        resolve({ pod, exitCode, stderr: stderr.trim(), ...(cpuMs ? { cpuMs: Number(cpuMs) } : {}) });
      });
    });
    return { child, ended };
  });
  return {
    async stop() {
      for (const { child } of burners) child.stdin?.end();
      // The burners stop on their stdin's end; kubectl itself gets a little longer than their own bound.
      const kill = setTimeout(() => {
        for (const { child } of burners) if (child.exitCode === null) child.kill('SIGTERM');
      }, 30_000);
      try {
        return await Promise.all(burners.map(({ ended }) => ended));
      } finally {
        clearTimeout(kill);
      }
    },
  };
}
