import { request } from 'node:http';
import type { DockerCli } from './docker.js';

// biome-ignore lint/suspicious/noExplicitAny: lifecycle handlers are open-ended JSON
type Any = any;

export interface HookOutcome {
  ok: boolean;
  message: string;
}

function httpGetHook(spec: Any, podPort: number, timeoutMs: number): Promise<HookOutcome> {
  const path = spec.path ?? '/';
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: podPort, path, method: 'GET', timeout: timeoutMs },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(
          code >= 200 && code < 400
            ? { ok: true, message: '' }
            : {
                ok: false,
                message: `HTTP lifecycle hook (${path}) for Container in Pod failed - error: received status code ${code}`,
              },
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', (error) =>
      resolve({
        ok: false,
        message: `HTTP lifecycle hook (${path}) for Container in Pod failed - error: ${error.message}`,
      }),
    );
    req.end();
  });
}

/**
 * Runs a container's preStop handler as the kubelet does before it sends SIGTERM: the kubelet's own
 * `sleep` (Kubernetes 1.30+, for images without a sleep binary), `exec` in the container, or `httpGet`
 * to the pod's port (every pod listens on its own loopback port, whatever port the hook names). It may
 * take no longer than `budgetMs`, the part of the grace period left.
 */
export async function runPreStopHook(
  hook: Any,
  podPort: number,
  docker: DockerCli,
  containerId: string,
  budgetMs: number,
): Promise<HookOutcome> {
  if (budgetMs <= 0) return { ok: true, message: '' };
  if (hook?.sleep) {
    const ms = Math.min(Number(hook.sleep.seconds ?? 0) * 1000, budgetMs);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { ok: true, message: '' };
  }
  if (hook?.exec?.command) {
    const ok = await docker.exec(containerId, hook.exec.command, budgetMs);
    return {
      ok,
      message: ok
        ? ''
        : `Exec lifecycle hook (${JSON.stringify(hook.exec.command)}) for Container in Pod failed`,
    };
  }
  if (hook?.httpGet) return httpGetHook(hook.httpGet, podPort, budgetMs);
  return { ok: true, message: '' };
}
