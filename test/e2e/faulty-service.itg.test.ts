import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DockerEngine, dockerEnv } from '../../sandbox/src/docker-engine.js';
import { run, waitFor } from '../../sandbox/src/exec.js';
import { removeImagesLabelled, useDockerEngine } from '../../sandbox/src/testing.js';
import { freePort } from '../../service/test/support/service-process.js';
import { buildFaultyServiceImage, type Fault } from './faulty-service.js';
import { buildServiceImage } from './service-image.js';

const label = `k8s-ship.test=faulty-service-${process.pid}`;
const ERROR_SHARE = 0.3;
const DELAY_MS = 400;
const USER_ROUTE = '/info';

/** The value of the one sample of `name` whose labels include `labels`, from Prometheus' text format. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function status(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

/**
 * The test-only bad versions of the service, run as the pod runs them (read-only root, non-root, no
 * capabilities) on the sandbox's Docker engine: they fail or slow down on user routes only, and the
 * service's own /metrics, which Prometheus scrapes, records it.
 */
describe('faulty service images on the local Docker engine', () => {
  let engine: DockerEngine;
  const containers: string[] = [];
  const urls: { errors: string; slow: string } = { errors: '', slow: '' };

  const start = async (image: string, name: string): Promise<string> => {
    const port = await freePort();
    const container = `${name}-${process.pid}`;
    containers.push(container);
    await run(
      'docker',
      [
        'run',
        '--detach',
        '--name',
        container,
        '--label',
        label,
        // Listening on loopback only, as service/test/image.itg.test.ts runs the good image.
        '--network',
        'host',
        '--read-only',
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges',
        '--env',
        `PORT=${port}`,
        '--env',
        'LISTEN_ADDRESS=127.0.0.1',
        image,
      ],
      { env: dockerEnv(engine) },
    );
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${container}'s /health`, async () => (await status(`${url}/health`)) === 200, 30_000);
    return url;
  };

  beforeAll(async () => {
    engine = await useDockerEngine();
    const good = await buildServiceImage(
      engine,
      `k8s-ship.local/metrics-api:faulty-itg-${process.pid}`,
      label,
    );
    const build = (fault: Fault, name: string) =>
      buildFaultyServiceImage(
        engine.host,
        good,
        fault,
        `k8s-ship.local/metrics-api:${name}-${process.pid}`,
        label,
      );
    urls.errors = await start(await build({ errors: ERROR_SHARE }, 'errors'), 'metrics-api-errors');
    urls.slow = await start(await build({ delayMs: DELAY_MS }, 'slow'), 'metrics-api-slow');
  });

  afterAll(async () => {
    if (!engine) return;
    for (const container of containers) {
      await run('docker', ['rm', '--force', container], { env: dockerEnv(engine) }).catch(() => {});
    }
    await removeImagesLabelled(engine, label);
  });

  test('the error image answers 500 to about its share of user requests, and its metrics count them', async () => {
    const requests = 200;
    const statuses: number[] = [];
    for (let i = 0; i < requests; i++) statuses.push(await status(`${urls.errors}${USER_ROUTE}`));
    const errors = statuses.filter((s) => s === 500).length;
    // Binomial(200, 0.3): mean 60, standard deviation 6.5; 5 deviations either side never fail by chance.
    const deviation = Math.sqrt(requests * ERROR_SHARE * (1 - ERROR_SHARE));
    expect(errors).toBeGreaterThan(requests * ERROR_SHARE - 5 * deviation);
    expect(errors).toBeLessThan(requests * ERROR_SHARE + 5 * deviation);
    expect(statuses.filter((s) => s !== 500).every((s) => s === 200)).toBe(true);

    const metrics = await (await fetch(`${urls.errors}/metrics`)).text();
    const counted = (code: string) =>
      sample(metrics, 'http_requests_total', { method: 'GET', route: USER_ROUTE, status_code: code });
    expect(counted('500')).toBe(errors);
    expect(counted('200')).toBe(requests - errors);
  });

  test('the error image leaves the probes and the scrape path alone', async () => {
    for (let i = 0; i < 30; i++) {
      expect(await status(`${urls.errors}/health`)).toBe(200);
      expect(await status(`${urls.errors}/ready`)).toBe(200);
      expect(await status(`${urls.errors}/metrics`)).toBe(200);
    }
    const metrics = await (await fetch(`${urls.errors}/metrics`)).text();
    for (const route of ['/health', '/ready', '/metrics']) {
      expect(sample(metrics, 'http_requests_total', { route, status_code: '500' }), route).toBeUndefined();
    }
  });

  test('the error image runs as the non-root user and writes nothing to its read-only filesystem', async () => {
    const [container] = containers;
    const env = dockerEnv(engine);
    const user = await run('docker', ['inspect', '--format', '{{.Config.User}}', container!], { env });
    expect(user.stdout.trim()).toBe('65532:65532');
    expect((await run('docker', ['diff', container!], { env })).stdout.trim()).toBe('');
  });

  test('the slow image answers user requests late, in parallel, and its histogram shows the delay', async () => {
    const requests = 20;
    const started = performance.now();
    const timings = await Promise.all(
      Array.from({ length: requests }, async () => {
        const begin = performance.now();
        const code = await status(`${urls.slow}${USER_ROUTE}`);
        return { code, ms: performance.now() - begin };
      }),
    );
    // Held, not queued: twenty requests sent at once all come back after one delay, not twenty.
    expect(performance.now() - started).toBeLessThan(DELAY_MS * 4);
    for (const { code, ms } of timings) {
      expect(code).toBe(200);
      expect(ms).toBeGreaterThanOrEqual(DELAY_MS - 5);
    }
    const begin = performance.now();
    expect(await status(`${urls.slow}/ready`)).toBe(200);
    expect(performance.now() - begin).toBeLessThan(DELAY_MS / 2);

    const metrics = await (await fetch(`${urls.slow}/metrics`)).text();
    const bucket = (le: string) =>
      sample(metrics, 'http_request_duration_seconds_bucket', {
        method: 'GET',
        route: USER_ROUTE,
        status_code: '200',
        le,
      });
    // The 0.3 s bound (the p99 target) and every one below it hold none of the requests; 0.5 s holds all.
    expect(bucket('0.3')).toBe(0);
    expect(bucket('0.5')).toBe(requests);
    expect(bucket('+Inf')).toBe(requests);
    expect(sample(metrics, 'http_request_duration_seconds_count', { route: '/ready' })).toBeGreaterThan(0);
    expect(
      sample(metrics, 'http_request_duration_seconds_bucket', { route: '/ready', le: '0.1' }),
    ).toBeGreaterThan(0);
  });
});
