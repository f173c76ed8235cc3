import { request } from 'node:http';

/** What one GET to a pod's loopback port gave: a status code, or why none came. */
export type HttpGetAnswer =
  | { status: number }
  | { failure: 'timeout' }
  | { failure: 'error'; error: NodeJS.ErrnoException };

/** The kubelet's httpGet (probes and lifecycle hooks alike): one GET, the body ignored, bounded in time. */
export function httpGet(
  port: number,
  path: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<HttpGetAnswer> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', headers, timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ failure: 'timeout' });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ failure: 'error', error }));
    req.end();
  });
}

/** 2xx and 3xx count as success, as for the kubelet. */
export const isSuccess = (status: number) => status >= 200 && status < 400;
