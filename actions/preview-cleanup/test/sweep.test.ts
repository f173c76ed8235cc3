import { describe, expect, it } from 'vitest';
import { previewNamespace } from '../../lib/src/derived-names.js';
import type { Namespace } from '../../lib/src/kubectl/index.js';
import { stalePreviews } from '../src/sweep.js';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const HOUR = 3_600_000;

function namespace(
  name: string,
  hoursOld: number,
  labels: Record<string, string> = { 'k8s-ship.io/preview': 'true' },
): Namespace {
  return { metadata: { name, labels, creationTimestamp: new Date(NOW - hoursOld * HOUR).toISOString() } };
}

const cluster = [
  namespace(previewNamespace('shop-', 'feature/live'), 400),
  namespace(previewNamespace('shop-', 'feature/gone'), 2),
  namespace(previewNamespace('shop-', 'Feature/ÜBER--x'), 1),
  namespace('shop-prod', 5000, {}),
  namespace('shop-preview-unlabelled', 900, {}),
  namespace('other-preview-x', 900),
];

describe('stalePreviews', () => {
  it('finds the previews no live branch maps to, hostile names mapped as at creation', () => {
    const stale = stalePreviews(cluster, {
      prefix: 'shop-',
      now: NOW,
      liveBranches: ['main', 'feature/live', 'Feature/ÜBER--x'],
    });
    expect(stale).toEqual([
      {
        namespace: 'shop-preview-feature-gone',
        created: new Date(NOW - 2 * HOUR).toISOString(),
        ageHours: 2,
        reason: 'no branch maps to it any more',
      },
    ]);
  });

  it('gives every reason that holds, oldest first', () => {
    const stale = stalePreviews(cluster, {
      prefix: 'shop-',
      now: NOW,
      maxAgeMs: 336 * HOUR,
      liveBranches: [],
    });
    expect(stale.map((s) => [s.namespace, s.reason])).toEqual([
      ['shop-preview-feature-live', 'no branch maps to it any more; older than 336 h'],
      ['shop-preview-feature-gone', 'no branch maps to it any more'],
      [previewNamespace('shop-', 'Feature/ÜBER--x'), 'no branch maps to it any more'],
    ]);
  });

  it('never offers a namespace without the preview label or outside the prefix, however old', () => {
    const stale = stalePreviews(cluster, { prefix: 'shop-', now: NOW, maxAgeMs: HOUR });
    const names = stale.map((s) => s.namespace);
    expect(names).not.toContain('shop-prod');
    expect(names).not.toContain('shop-preview-unlabelled');
    expect(names).not.toContain('other-preview-x');
    expect(names).toEqual(['shop-preview-feature-live', 'shop-preview-feature-gone']);
  });
});
