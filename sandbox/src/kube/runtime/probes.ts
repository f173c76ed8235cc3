import { createConnection } from 'node:net';
import type { DockerCli } from './docker.js';
import { httpGet, isSuccess } from './http-get.js';

// biome-ignore lint/suspicious/noExplicitAny: probe specs are open-ended JSON
type Any = any;

export interface ProbeResult {
  ok: boolean;
  message: string;
}

async function httpProbe(spec: Any, port: number, timeoutMs: number): Promise<ProbeResult> {
  const path = spec.path ?? '/';
  const url = `http://127.0.0.1:${port}${path}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32' };
  for (const h of spec.httpHeaders ?? []) headers[h.name] = h.value;
  const answer = await httpGet(port, path, timeoutMs, headers);
  if ('status' in answer) {
    return isSuccess(answer.status)
      ? { ok: true, message: '' }
      : { ok: false, message: `HTTP probe failed with statuscode: ${answer.status}` };
  }
  if (answer.failure === 'timeout') {
    return {
      ok: false,
      message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    };
  }
  const why = answer.error.code === 'ECONNREFUSED' ? 'connect: connection refused' : answer.error.message;
  return { ok: false, message: `Get "${url}": dial tcp 127.0.0.1:${port}: ${why}` };
}

function tcpProbe(port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ ok: false, message: `dial tcp 127.0.0.1:${port}: i/o timeout` }),
    );
    socket.once('connect', () => done({ ok: true, message: '' }));
    socket.once('error', () =>
      done({ ok: false, message: `dial tcp 127.0.0.1:${port}: connect: connection refused` }),
    );
  });
}

/**
 * Runs one probe. Every pod listens on its own loopback port (its stand-in pod IP), so httpGet and
 * tcpSocket probes go to that port whatever number or name the probe gives.
 */
export async function runProbe(
  probe: Any,
  podPort: number,
  docker: DockerCli,
  containerId: string,
): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) return httpProbe(probe.httpGet, podPort, timeoutMs);
  if (probe.tcpSocket) return tcpProbe(podPort, timeoutMs);
  if (probe.exec?.command) {
    const ok = await docker.exec(containerId, probe.exec.command, timeoutMs);
    return { ok, message: ok ? '' : `command ${JSON.stringify(probe.exec.command)} failed` };
  }
  return { ok: true, message: '' };
}
