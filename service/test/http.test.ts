import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type MetricsApp } from '../src/app.js';
import type { ServiceConfig } from '../src/config.js';
import { createJsonLogger } from '../src/http/logger.js';
import type { SystemSource } from '../src/samplers/system.js';
import { FixedLatency, FixedSystem, testConfig } from './support/fakes.js';

interface Served extends MetricsApp {
  url: string;
  logs: Record<string, unknown>[];
}

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (running) await new Promise((r) => running.close(r));
});

async function serve(
  options: { config?: Partial<ServiceConfig>; system?: SystemSource; latency?: FixedLatency } = {},
): Promise<Served> {
  const logs: Record<string, unknown>[] = [];
  const built = createApp({
    config: testConfig(options.config),
    system: options.system ?? new FixedSystem(),
    latency: options.latency ?? new FixedLatency(),
    logger: createJsonLogger('info', (line) => logs.push(JSON.parse(line))),
    now: () => new Date('2025-11-15T15:30:00.250Z'),
  });
  server = createServer(built.app.callback());
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { ...built, url: `http://127.0.0.1:${port}`, logs };
}

describe('the contract endpoints', () => {
  it('GET /health answers status, app and version', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({
      status: 'ok',
      app: 'k8s-cluster-performance-stack',
      version: '1.0.0',
    });
  });

  it('GET /info answers the contract fields, to the second in UTC', async () => {
    const { url } = await serve();
    expect(await (await fetch(`${url}/info`)).json()).toEqual({
      app_name: 'k8s-cluster-performance-stack',
      version: '1.0.0',
      environment: 'dev',
      server_time: '2025-11-15T15:30:00Z',
    });
  });

  it('GET /info adds the git revision and the image when they are configured', async () => {
    const { url } = await serve({ config: { gitRevision: 'abc1234', imageRef: 'registry/metrics:1.0.0' } });
    expect(await (await fetch(`${url}/info`)).json()).toMatchObject({
      git_revision: 'abc1234',
      image: 'registry/metrics:1.0.0',
    });
  });

  it('GET /metrics/system answers the contract example field for field, plus the container section', async () => {
    const { url } = await serve();
    expect(await (await fetch(`${url}/metrics/system`)).json()).toEqual({
      cpu: { percent: 21.3, cores: 2 },
      memory: { total_mb: 993, used_mb: 450, percent: 45.3 },
      disk: { path: '/', total_gb: 20, used_gb: 8.4, percent: 42 },
      load_average: { '1m': 0.42, '5m': 0.36, '15m': 0.3 },
      container: {
        cgroup_version: 2,
        memory: { limit_mb: 256, usage_mb: 100, working_set_mb: 64, percent: 25 },
        cpu: { quota_cores: 0.5, usage_seconds: 12.5, percent: 10 },
      },
      sampled_at: '2025-11-15T15:30:00.000Z',
    });
  });

  it('GET /metrics/app counts every request, per route, with in-flight requests and percentiles', async () => {
    const { url } = await serve();
    for (let i = 0; i < 3; i++) await fetch(`${url}/health`);
    await fetch(`${url}/nowhere`);
    const body = await (await fetch(`${url}/metrics/app`)).json();
    expect(body).toMatchObject({
      uptime_seconds: 0,
      requests_count: 5,
      startup_time: '2025-11-15T15:30:00Z',
    });
    expect(body.in_flight_requests).toBe(1); // the request asking
    expect(Object.keys(body.routes)).toEqual(['/health', 'unmatched']);
    expect(body.routes['/health'].count).toBe(3);
    const { p50, p90, p99 } = body.routes['/health'].latency_ms;
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p90);
    expect(p90).toBeLessThanOrEqual(p99);
  });

  it('GET /metrics/latency keeps the earlier monitor fields for each target', async () => {
    const latency = new FixedLatency([
      {
        host: '10.0.2.133',
        port: 22,
        measuredAt: new Date('2025-01-01T12:00:00Z'),
        result: { status: 'ok', latencyMs: 0.784 },
      },
      {
        host: 'db',
        port: 5432,
        measuredAt: new Date('2025-01-01T12:00:00Z'),
        result: { status: 'error', latencyMs: null, error: 'ECONNRESET' },
      },
    ]);
    const { url } = await serve({ latency, config: { latencyTimeoutMs: 1500 } });
    expect(await (await fetch(`${url}/metrics/latency`)).json()).toEqual({
      interval_seconds: 30,
      timeout_ms: 1500,
      targets: [
        {
          target_host: '10.0.2.133',
          tcp_port: 22,
          interval_seconds: 30,
          collected_at: '2025-01-01T12:00:00.000Z',
          tcp: { status: 'ok', port: 22, latency_ms: 0.784 },
        },
        {
          target_host: 'db',
          tcp_port: 5432,
          interval_seconds: 30,
          collected_at: '2025-01-01T12:00:00.000Z',
          tcp: { status: 'error', port: 5432, latency_ms: null, error: 'ECONNRESET' },
        },
      ],
    });
  });
});

describe('readiness and shutdown', () => {
  it('GET /ready is 200 while serving and 503 with Connection: close once draining', async () => {
    const served = await serve();
    const ready = await fetch(`${served.url}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    served.shutdown.draining = true;
    const draining = await fetch(`${served.url}/ready`);
    expect([draining.status, await draining.json()]).toEqual([503, { status: 'shutting_down' }]);
    expect(draining.headers.get('connection')).toBe('close');
    // Liveness must stay green while draining, or the kubelet would kill the pod mid-drain.
    expect((await fetch(`${served.url}/health`)).status).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('exposes the agreed series with their labels', async () => {
    const latency = new FixedLatency([
      { host: '10.0.2.133', port: 22, measuredAt: new Date(), result: { status: 'ok', latencyMs: 0.784 } },
      {
        host: '10.0.2.134',
        port: 22,
        measuredAt: new Date(),
        result: { status: 'timeout', latencyMs: null },
      },
    ]);
    const { url } = await serve({ latency, config: { gitRevision: 'abc1234', environment: 'stage' } });
    await fetch(`${url}/health`);
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const line of [
      'http_requests_total{method="GET",route="/health",status_code="200"} 1',
      'http_request_duration_seconds_bucket{le="0.3",method="GET",route="/health",status_code="200"} 1',
      'metrics_api_build_info{version="1.0.0",revision="abc1234",environment="stage"} 1',
      'tcp_latency_seconds{host="10.0.2.133",port="22"} 0.000784',
      'tcp_up{host="10.0.2.133",port="22"} 1',
      'tcp_up{host="10.0.2.134",port="22"} 0',
      'system_cpu_usage_ratio 0.213',
      'system_cpu_cores 2',
      `system_memory_total_bytes ${993 * 1024 ** 2}`,
      'system_load1 0.42',
      `system_filesystem_size_bytes{path="/"} ${20 * 1024 ** 3}`,
      `cgroup_memory_limit_bytes ${256 * 1024 ** 2}`,
      'cgroup_cpu_quota_cores 0.5',
      'cgroup_cpu_usage_seconds_total 12.5',
    ]) {
      expect(text).toContain(line);
    }
    // An unreachable target has no latency rather than a made-up one.
    expect(text).not.toContain('tcp_latency_seconds{host="10.0.2.134"');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('has no gauge named like a counter (the prom-client defaults promtool rejects)', async () => {
    const { url } = await serve();
    const text = await (await fetch(`${url}/metrics`)).text();
    const gauges = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]);
    expect(gauges).toContain('nodejs_active_handles');
    expect(gauges.filter((name) => name?.endsWith('_total'))).toEqual([]);
  });

  it('labels any number of unknown paths with one route, so series stay bounded', async () => {
    const { url } = await serve();
    for (let i = 0; i < 40; i++) await fetch(`${url}/probe-${i}-${'x'.repeat(i)}`);
    const text = await (await fetch(`${url}/metrics`)).text();
    const series = text.split('\n').filter((l) => l.startsWith('http_requests_total{'));
    expect(series).toEqual(['http_requests_total{method="GET",route="unmatched",status_code="404"} 40']);
  });
});

describe('errors', () => {
  it('answers an unknown path with 404 JSON', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/does/not/exist`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found', status: 404 });
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])(
    'answers %s on a known path with 405 and Allow',
    async (method) => {
      const { url } = await serve();
      const res = await fetch(`${url}/metrics/system`, {
        method,
        body: method === 'DELETE' ? undefined : '{}',
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(await res.json()).toMatchObject({ error: 'method_not_allowed', status: 405 });
    },
  );

  it('answers OPTIONS with 204 and Allow, and HEAD like GET without a body', async () => {
    const { url } = await serve();
    const options = await fetch(`${url}/health`, { method: 'OPTIONS' });
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS']);
    const head = await fetch(`${url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers a failing handler with a bare 500: the details go to the log, never to the client', async () => {
    const broken = new (class extends FixedLatency {
      override measurements(): never {
        throw new Error('secret internal detail at /srv/app.js:12');
      }
    })();
    const { url, logs } = await serve({ latency: broken });
    const res = await fetch(`${url}/metrics/latency`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({
      error: 'internal_error',
      message: 'The server failed to answer; the error was logged.',
      status: 500,
    });
    expect(body).not.toMatch(/secret|\/srv|at /);
    expect(logs.find((l) => l.msg === 'unhandled error')).toMatchObject({
      error: 'secret internal detail at /srv/app.js:12',
    });
  });
});

describe('headers and logs', () => {
  it.each(['/health', '/metrics', '/nowhere'])('sets the security headers on %s', async (path) => {
    const { url } = await serve();
    const res = await fetch(`${url}${path}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('writes one JSON line per request, without the query string', async () => {
    const { url, logs } = await serve();
    await fetch(`${url}/health?token=s3cr3t`);
    const requests = logs.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/health',
      route: '/health',
      status: 200,
    });
    expect(JSON.stringify(logs)).not.toContain('s3cr3t');
  });
});

describe('API description', () => {
  it('GET /openapi.json documents exactly the routes the app serves', async () => {
    const { url } = await serve();
    const doc = await (await fetch(`${url}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.version).toBe('1.0.0');
    const documented = Object.keys(doc.paths).sort();
    expect(documented).toEqual([
      '/docs',
      '/health',
      '/info',
      '/metrics',
      '/metrics/app',
      '/metrics/latency',
      '/metrics/system',
      '/openapi.json',
      '/ready',
    ]);
    for (const path of documented) expect((await fetch(`${url}${path}`)).status).toBe(200);
  });

  it('GET /docs is one self-contained page whose CSP allows only its own style', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/docs`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/,
    );
    const html = await res.text();
    expect(html).toContain('<code>/metrics/system</code>');
    expect(html).not.toMatch(/<script|src=|https?:\/\//);
  });
});
