import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from '../../sandbox/src/testing.js';
import { analysisOf, ERROR_SHARE, ProgressiveStage } from './progressive-stage.js';
import { isFailure } from './steady-load.js';

/*
 * Canary and blue/green on the real cluster, judged by the real Prometheus (the sandbox's, discovering the
 * pods through the API server with k8s/monitoring's config), reached through an SSH-forwarded port as the
 * deploy user: the ssh-set-image bundle under steady load through the Service (the API server's service
 * proxy spreads requests over the Service's ready pods). The bad versions are test-only images
 * (faulty-service.ts): 30 % of answers 500, or every answer 600 ms late. Thresholds: 5 % errors, 300 ms p99.
 */
let stage: ProgressiveStage;

beforeAll(async () => {
  const sandbox = await useSandbox(['docker', 'registry', 'kube', 'prometheus', 'ssh']);
  stage = new ProgressiveStage(sandbox, `progressive-e2e-${process.pid}`);
  await stage.setUp();
}, 900_000);

afterAll(async () => {
  await stage?.tearDown();
}, 180_000);

const revisionOf = (d: { metadata: { annotations: Record<string, string> } }) =>
  Number(d.metadata.annotations['deployment.kubernetes.io/revision']);

describe('canary, judged by Prometheus over an SSH-forwarded port', () => {
  it('promotes a good version through every step with zero failed requests', async () => {
    const before = await stage.kube.json([...stage.ns, 'get', 'deployment', 'metrics-api']);
    const { result: step, load } = await stage.underLoad(() => stage.deploy('b', 'canary'));
    expect(step.errors).toEqual([]);
    expect(step.outputs.outcome).toBe('promoted');
    expect(analysisOf(step).map((s) => [s.step, s.verdict])).toEqual([
      ['canary 10 %', 'pass'],
      ['canary 50 %', 'pass'],
    ]);
    expect(load.failures, `${load.requests.length} requests`).toEqual([]);
    expect(await stage.stableImage()).toBe(stage.images.b);
    expect(await stage.variants()).toEqual([]);
    // One new revision on the stable Deployment: `rollout undo` goes back to a.
    const after = await stage.kube.json([...stage.ns, 'get', 'deployment', 'metrics-api']);
    expect(revisionOf(after)).toBe(revisionOf(before) + 1);
    const history = await stage.kube.kubectl([...stage.ns, 'rollout', 'history', 'deployment/metrics-api']);
    expect(history.stdout).toContain(stage.images.b);
    expect(step.summary).toContain('xychart-beta');
  }, 420_000);

  it('aborts a version that answers 500 at the first step; the failures stay within its share', async () => {
    const { result: step, load } = await stage.underLoad(() => stage.deploy('errors', 'canary'));
    expect(step.exitCode).toBe(1);
    expect(step.outputs.outcome).toBe('aborted');
    expect(analysisOf(step).map((s) => [s.step, s.verdict])).toEqual([['canary 10 %', 'fail']]);
    expect(step.errors.join('\n')).toMatch(
      /canary aborted: error ratio \d+\.\d\d % \(\d+ of \d+\) is over 5\.00 %/,
    );
    expect(await stage.stableImage()).toBe(stage.images.b);
    expect(await stage.variants()).toEqual(['metrics-api-canary=0']);
    // 1 canary pod beside 3 stable: a quarter of the traffic, of which 30 % failed, while it served.
    const failures = load.failures;
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.status === 500)).toBe(true);
    const expected = load.requests.length * 0.25 * ERROR_SHARE;
    expect(failures.length).toBeLessThanOrEqual(expected + 4 * Math.sqrt(expected) + 3);
    // After the abort the stable version serves everything.
    const tail = load.requests.filter((r) => r.startedAt > load.endedAt - 3000);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.filter(isFailure)).toEqual([]);
  }, 420_000);

  it('aborts a slow version on its p99', async () => {
    const { result: step, load } = await stage.underLoad(() => stage.deploy('slow', 'canary'));
    expect(step.outputs.outcome).toBe('aborted');
    expect(step.errors.join('\n')).toMatch(/canary aborted: p99 latency \d+ ms is over 300 ms/);
    expect(load.failures).toEqual([]);
    expect(await stage.stableImage()).toBe(stage.images.b);
  }, 420_000);
});

describe('blue/green, judged by Prometheus over an SSH-forwarded port', () => {
  it('switches to a good green and promotes it with zero failed requests', async () => {
    const { result: step, load } = await stage.underLoad(() => stage.deploy('a', 'blue-green'));
    expect(step.errors).toEqual([]);
    expect(step.outputs.outcome).toBe('promoted');
    expect(analysisOf(step).map((s) => [s.step, s.verdict])).toEqual([['green', 'pass']]);
    expect(load.failures).toEqual([]);
    expect(await stage.stableImage()).toBe(stage.images.a);
    const service = await stage.kube.json([...stage.ns, 'get', 'service', 'metrics-api']);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'metrics-api' });
    // The canary an earlier abort left at zero went with the promotion.
    expect(await stage.variants()).toEqual([]);
  }, 420_000);

  it('switches back from a slow green with zero failed requests', async () => {
    const { result: step, load } = await stage.underLoad(() => stage.deploy('slow', 'blue-green'));
    expect(step.outputs.outcome).toBe('aborted');
    expect(step.errors.join('\n')).toMatch(/blue-green aborted: p99 latency \d+ ms is over 300 ms/);
    expect(load.failures).toEqual([]);
    expect(await stage.stableImage()).toBe(stage.images.a);
    const service = await stage.kube.json([...stage.ns, 'get', 'service', 'metrics-api']);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'metrics-api' });
    expect(await stage.variants()).toEqual(['metrics-api-green=0']);
  }, 420_000);
});
