import { request } from 'node:https';

export interface TlsFiles {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * One HTTPS GET to a component of the sandbox's cluster, trusting only the cluster's CA (or nothing but
 * the connection itself when `tls` is absent: the scheduler's and controller-manager's self-made serving
 * certificates on loopback, probed for health only). Resolves with the status and body.
 */
export function httpsGet(
  url: string,
  tls?: TlsFiles,
  timeoutMs = 5000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        timeout: timeoutMs,
        ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : { rejectUnauthorized: false }),
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
