import { describe, expect, it } from 'vitest';
import type { RolloutOutcome } from '../src/rollout-wait.js';
import { rolloutSummary } from '../src/summary.js';

const hostile = '<img src=x onerror=alert(1)>';

const outcome: RolloutOutcome = {
  result: 'rolled-back',
  reason: `CrashLoopBackOff in pod web-1, container app: ${hostile}`,
  revision: 5,
  durationMs: 12_345,
  progress: { desired: 2, updated: 1, ready: 0, available: 0, total: 3 },
  failure: {
    kind: 'crash-loop',
    reason: 'x',
    problems: [
      {
        kind: 'crash-loop',
        pod: 'web-1',
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: hostile,
        restarted: true,
      },
    ],
  },
  details: [
    {
      problem: {
        kind: 'crash-loop',
        pod: 'web-1',
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: '',
        restarted: true,
      },
      events: [
        {
          metadata: { name: 'web-1.backoff' },
          involvedObject: { kind: 'Pod', name: 'web-1' },
          type: 'Warning',
          reason: 'BackOff',
          count: 4,
          message: `Back-off ${hostile}`,
        },
      ],
      logs: { text: `panic: </pre><script>steal()</script>\nline 2` },
    },
  ],
  rollback: { ok: true, toRevision: 3, revision: 5, availableAfterMs: 8_000 },
};

describe('rolloutSummary', () => {
  const html = rolloutSummary('shop', 'web', outcome).join('\n');

  it('says what happened, why, and how the rollback went', () => {
    expect(html).toContain('<h2>deployment/web in shop failed and was rolled back</h2>');
    expect(html).toContain('<td>Revision</td><td>5</td>');
    expect(html).toContain('<td>Duration</td><td>12.3 s</td>');
    expect(html).toContain('to revision 3, available again after 8.0 s');
    expect(html).toContain('1/2 new pods, 0 ready, 0 available; 2 old pods left');
  });

  it('shows the events and the previous instance’s log lines of the failing pod', () => {
    expect(html).toContain('<summary>Events of pod web-1</summary>');
    expect(html).toContain('<td>Warning</td><td>BackOff</td><td>4</td>');
    expect(html).toContain('<summary>Last log lines of web-1 / app (previous instance)</summary>');
    expect(html).toContain('line 2');
  });

  it('escapes everything that came from the cluster', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('panic: </pre>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('panic: &lt;/pre&gt;&lt;script&gt;steal()&lt;/script&gt;');
  });

  it('says why there are no logs when the container never started', () => {
    const parts = rolloutSummary('shop', 'web', {
      ...outcome,
      details: [{ ...outcome.details[0]!, logs: { missing: 'the container never started (ErrImagePull)' } }],
    });
    expect(parts.join('\n')).toContain('No logs of web-1 / app: the container never started (ErrImagePull).');
  });

  it('is short for a rollout that succeeded', () => {
    const html = rolloutSummary('shop', 'web', {
      result: 'succeeded',
      reason: 'ok',
      revision: 2,
      durationMs: 900,
      details: [],
    }).join('');
    expect(html).toContain('<h2>deployment/web in shop rolled out</h2>');
    expect(html).not.toContain('Failing pods');
  });
});
