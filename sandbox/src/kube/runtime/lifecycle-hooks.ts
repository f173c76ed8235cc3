import type { DockerCli } from './docker.js';
import { httpGet, isSuccess } from './http-get.js';

// biome-ignore lint/suspicious/noExplicitAny: lifecycle handlers are open-ended JSON
type Any = any;

export interface HookOutcome {
  ok: boolean;
  message: string;
}

async function httpGetHook(spec: Any, podPort: number, timeoutMs: number): Promise<HookOutcome> {
  const path = spec.path ?? '/';
  const answer = await httpGet(podPort, path, timeoutMs);
  if ('status' in answer && isSuccess(answer.status)) return { ok: true, message: '' };
  const why =
    'status' in answer
      ? `received status code ${answer.status}`
      : answer.failure === 'timeout'
        ? 'context deadline exceeded'
        : answer.error.message;
  return { ok: false, message: `HTTP lifecycle hook (${path}) for Container in Pod failed - error: ${why}` };
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
