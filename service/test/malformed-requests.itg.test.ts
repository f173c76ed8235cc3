import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { malformedCorpus, type RawCase } from './support/malformed-corpus.js';
import { buildServiceBundle, type RunningService, startService } from './support/service-process.js';

interface Outcome {
  name: string;
  statuses: number[];
  hung: boolean;
}

const KNOWN_PATHS = ['/health', '/ready', '/info', '/metrics', '/openapi.json', '/docs'];

/** Writes the raw bytes, half-closes, and collects every status line until the server closes. */
function send(port: number, testCase: RawCase): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => finish(true), 5000);
    function finish(hung: boolean) {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ name: testCase.name, statuses, hung });
    }
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may answer 431 and close before a huge request is fully written: that is a fine answer.
    socket.on('error', () => {});
    socket.on('close', () => finish(false));
    socket.on('connect', () => socket.end(testCase.bytes));
  });
}

async function sendAll(port: number, cases: RawCase[], concurrency: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < cases.length; i += concurrency) {
    outcomes.push(...(await Promise.all(cases.slice(i, i + concurrency).map((c) => send(port, c)))));
  }
  return outcomes;
}

describe('the running service against a corpus of malformed requests', () => {
  let service: RunningService;
  let outcomes: Outcome[];
  const corpus = malformedCorpus();

  beforeAll(async () => {
    await buildServiceBundle();
    service = await startService();
    outcomes = await sendAll(service.port, corpus, 16);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('has at least 200 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
  });

  it('never answers with a 5xx', () => {
    const serverErrors = outcomes.filter((o) => o.statuses.some((s) => s >= 500));
    expect(serverErrors).toEqual([]);
  });

  it('answers 2xx only to requests that name a real endpoint', () => {
    const wrongSuccess = outcomes.filter((o, i) => {
      if (!o.statuses.some((s) => s >= 200 && s < 300)) return false;
      const text = corpus[i]!.bytes.toString('latin1');
      return !KNOWN_PATHS.some((path) => text.includes(path));
    });
    expect(wrongSuccess).toEqual([]);
  });

  it('closes every connection by itself once the client stopped sending', () => {
    expect(outcomes.filter((o) => o.hung).map((o) => o.name)).toEqual([]);
  });

  it('answers most malformed requests with a 4xx rather than silence', () => {
    const clientErrors = outcomes.filter((o) => o.statuses.some((s) => s >= 400 && s < 500));
    expect(clientErrors.length).toBeGreaterThan(corpus.length / 2);
  });

  it('keeps serving afterwards, with nothing logged as an unhandled error', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(service.logs().filter((l) => l.level === 'error')).toEqual([]);
  });
});
