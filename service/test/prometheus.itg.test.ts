import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { run, stopProcess, waitFor } from '../../sandbox/src/exec.js';
import {
  buildServiceBundle,
  freePort,
  type RunningService,
  startService,
} from './support/service-process.js';

async function requireTool(name: string): Promise<void> {
  try {
    await run('sh', ['-c', 'command -v "$1"', 'sh', name]);
  } catch {
    throw new Error(
      `'${name}' is not on PATH: install the Debian package 'prometheus' (scripts/bootstrap.sh does)`,
    );
  }
}

interface PromVector {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('a real Prometheus scrapes the service', () => {
  let service: RunningService;
  let prometheusPid: number | undefined;
  let prometheusUrl: string;
  const dir = mkdtempSync(join(tmpdir(), 'service-prometheus-'));

  const query = async (promql: string): Promise<PromVector['data']['result']> => {
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return ((await res.json()) as PromVector).data.result;
  };

  beforeAll(async () => {
    await requireTool('prometheus');
    await requireTool('promtool');
    await buildServiceBundle();
    service = await startService({
      APP_ENVIRONMENT: 'stage',
      GIT_REVISION: 'abc1234',
      LATENCY_TARGETS: '127.0.0.1:1',
    });
    await fetch(`${service.url}/health`);

    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: metrics-api',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${service.port}']`,
        '',
      ].join('\n'),
    );
    const child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    prometheusPid = child.pid;
    await waitFor(
      'Prometheus to scrape the service once',
      async () => (await query('up{job="metrics-api"} == 1')).length === 1,
      60_000,
    );
  });

  afterAll(async () => {
    if (prometheusPid !== undefined) await stopProcess(prometheusPid, 10_000);
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the target up', async () => {
    const [up] = await query('up{job="metrics-api"}');
    expect(up?.value[1]).toBe('1');
  });

  it('stores http_requests_total with its method, route and status_code labels', async () => {
    await waitFor(
      'a scrape that saw the /health request',
      async () => (await query('http_requests_total{route="/health"}')).length > 0,
      30_000,
    );
    const [series] = await query('http_requests_total{route="/health"}');
    expect(series?.metric).toMatchObject({
      __name__: 'http_requests_total',
      job: 'metrics-api',
      method: 'GET',
      route: '/health',
      status_code: '200',
    });
  });

  it('stores the build info, the system gauges and the latency gauges', async () => {
    const [info] = await query('metrics_api_build_info');
    expect(info?.metric).toMatchObject({
      version: packageJson.version,
      revision: 'abc1234',
      environment: 'stage',
    });
    expect(Number((await query('system_memory_total_bytes'))[0]?.value[1])).toBeGreaterThan(0);
    expect((await query('tcp_up{host="127.0.0.1",port="1"}'))[0]?.value[1]).toBe('0');
  });

  it('passes promtool check metrics on the live output', async () => {
    const exposition = await (await fetch(`${service.url}/metrics`)).text();
    const result = await run('promtool', ['check', 'metrics'], { input: exposition }).catch((error) => error);
    expect(result).toMatchObject({ stdout: '', stderr: '' });
  });
});
