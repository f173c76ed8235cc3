import { Socket } from 'node:net';

export type ProbeStatus =
  | 'ok'
  | 'timeout'
  | 'connection_refused'
  | 'host_unreachable'
  | 'dns_error'
  | 'error';

export interface ProbeResult {
  status: ProbeStatus;
  /** Handshake time in milliseconds (three decimals); null unless the connection was made. */
  latencyMs: number | null;
  /** The system error code behind a failure (ECONNRESET, …), for the statuses that do not say it. */
  error?: string;
}

/** The part of a TCP socket the probe needs: the seam that lets unit tests simulate a silent network. */
export interface ProbeSocket {
  once(event: 'connect', listener: () => void): unknown;
  once(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  connect(port: number, host: string): unknown;
  destroy(): unknown;
}

export type ProbeSocketFactory = () => ProbeSocket;

const STATUS_BY_CODE: Record<string, ProbeStatus> = {
  ECONNREFUSED: 'connection_refused',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'host_unreachable',
  ENOTFOUND: 'dns_error',
  EAI_AGAIN: 'dns_error',
  ETIMEDOUT: 'timeout',
};

/**
 * Times a TCP handshake, as the earlier latency monitor did: cheaper and closer to what applications see
 * than ICMP, and it needs no privileges. The socket is closed as soon as it connects; nothing is sent.
 */
export function probeTcp(
  host: string,
  port: number,
  timeoutMs: number,
  createSocket: ProbeSocketFactory = () => new Socket(),
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = createSocket();
    const started = process.hrtime.bigint();
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ status: 'timeout', latencyMs: null }), timeoutMs);
    socket.once('connect', () => {
      const micros = Number(process.hrtime.bigint() - started) / 1000;
      finish({ status: 'ok', latencyMs: Math.round(micros) / 1000 });
    });
    socket.once('error', (error) => {
      const code = error.code ?? 'UNKNOWN';
      const status = STATUS_BY_CODE[code] ?? 'error';
      finish(status === 'error' ? { status, latencyMs: null, error: code } : { status, latencyMs: null });
    });
    socket.connect(port, host);
  });
}
