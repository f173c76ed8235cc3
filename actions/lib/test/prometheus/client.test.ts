import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient, PrometheusError } from '../../src/prometheus/index.js';

// A loopback HTTP server answering /api/v1/query as Prometheus's API does, by the query it is sent.
let server: Server;
let base: string;
const seen: { method?: string; query: string | null }[] = [];

const answers: Record<string, { status: number; body: string }> = {
  'sum(one)': {
    status: 200,
    body: JSON.stringify({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1, '42.5'] }] },
    }),
  },
  'sum(none)': {
    status: 200,
    body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }),
  },
  'sum(nan)': {
    status: 200,
    body: JSON.stringify({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] },
    }),
  },
  'vector(1)': {
    status: 200,
    body: JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }),
  },
  by_pod: {
    status: 200,
    body: JSON.stringify({
      status: 'success',
      data: { resultType: 'vector', result: [{ value: [1, '1'] }, { value: [1, '2'] }] },
    }),
  },
  'bad(': {
    status: 400,
    body: JSON.stringify({
      status: 'error',
      errorType: 'bad_data',
      error: 'parse error: unclosed left parenthesis',
    }),
  },
  busy: { status: 503, body: JSON.stringify({ status: 'error', error: 'query queue full' }) },
  html: { status: 502, body: '<html>bad gateway</html>' },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const query = new URLSearchParams(body).get('query');
      seen.push({ method: request.method, query });
      const answer = (request.url === '/prefix/api/v1/query' && query && answers[query]) || {
        status: 404,
        body: 'not found',
      };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/prefix/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the Prometheus client', () => {
  const client = () => new PrometheusClient(base);

  it('POSTs the query and reads the one value of a vector or a scalar', async () => {
    expect(await client().scalar('sum(one)')).toBe(42.5);
    expect(await client().scalar('vector(1)')).toBe(1);
    expect(seen.at(-1)).toEqual({ method: 'POST', query: 'vector(1)' });
  });

  it('gives undefined for no sample or NaN (histogram_quantile of nothing)', async () => {
    expect(await client().scalar('sum(none)')).toBeUndefined();
    expect(await client().scalar('sum(nan)')).toBeUndefined();
  });

  it('refuses an answer of several series: the analysis needs one number', async () => {
    await expect(client().scalar('by_pod')).rejects.toThrow(
      'by_pod gave 2 series; the analysis needs one (aggregate it)',
    );
  });

  it('says which failures may pass by asking again', async () => {
    const refused = await client()
      .scalar('bad(')
      .catch((error: PrometheusError) => error);
    expect(refused).toBeInstanceOf(PrometheusError);
    expect(refused).toMatchObject({
      transient: false,
      message: 'Prometheus refused bad(: parse error: unclosed left parenthesis',
    });
    expect(
      await client()
        .scalar('busy')
        .catch((error: PrometheusError) => error.transient),
    ).toBe(true);
    const gateway = await client()
      .scalar('html')
      .catch((error: PrometheusError) => error);
    expect(gateway).toMatchObject({ transient: true });
    expect((gateway as Error).message).toContain('answered HTTP 502 without its JSON API');
    const down = await new PrometheusClient('http://127.0.0.1:1')
      .scalar('up')
      .catch((error: PrometheusError) => error);
    expect(down).toMatchObject({ transient: true });
    expect((down as Error).message).toContain('Prometheus at http://127.0.0.1:1 did not answer');
  });
});
