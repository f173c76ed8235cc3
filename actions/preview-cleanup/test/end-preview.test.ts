import { describe, expect, it } from 'vitest';
import type { Namespace } from '../../lib/src/kubectl/index.js';
import {
  type EndPreviewPlan,
  endPreview,
  type PreviewRecords,
  type RecordsTornDown,
} from '../src/end-preview.js';
import { NotAPreviewError } from '../src/safety.js';

/** The cluster as far as ending a preview goes: namespaces by name, deleted on request. */
function fakeCluster(namespaces: Namespace[]) {
  const deleted: string[] = [];
  return {
    deleted,
    async namespace(name: string) {
      return namespaces.find((n) => n.metadata.name === name && !deleted.includes(name));
    },
    async deleteNamespace(name: string): Promise<'deleted' | 'absent'> {
      if (deleted.includes(name) || !namespaces.some((n) => n.metadata.name === name)) return 'absent';
      deleted.push(name);
      return 'deleted';
    },
  };
}

function fakeRecords(environment: RecordsTornDown['environment'], refusal?: string) {
  const calls: string[] = [];
  const records: PreviewRecords = {
    async tearDown(name, deleteEnvironment) {
      calls.push(`tear down ${name}${deleteEnvironment ? '' : ' (keep environment)'}`);
      return {
        deployments: { marked: 2, alreadyInactive: 1 },
        environment: deleteEnvironment ? environment : 'kept',
        ...(refusal !== undefined && { refusal }),
      };
    },
    async branches() {
      return [];
    },
  };
  return { calls, records };
}

const preview = (name: string, labels: Record<string, string> = { 'k8s-ship.io/preview': 'true' }) => ({
  metadata: { name, labels },
});

const plan = (extra: Partial<EndPreviewPlan> = {}): EndPreviewPlan => ({
  namespace: 'shop-preview-login',
  prefix: 'shop-',
  protectedNamespaces: ['shop-dev', 'shop-stage', 'shop-prod'],
  deleteTimeoutSeconds: 60,
  deleteEnvironment: true,
  ...extra,
});

describe('endPreview', () => {
  it('deletes the namespace, then marks the deployments inactive and deletes the environment', async () => {
    const cluster = fakeCluster([preview('shop-preview-login'), preview('shop-preview-other')]);
    const { calls, records } = fakeRecords('deleted');
    const report = await endPreview(cluster, plan({ records }), () => {});
    expect(report).toEqual({
      namespace: 'shop-preview-login',
      cluster: 'deleted',
      deployments: { marked: 2, alreadyInactive: 1 },
      environment: 'deleted',
    });
    expect(cluster.deleted).toEqual(['shop-preview-login']);
    expect(calls).toEqual(['tear down shop-preview-login']);
  });

  it('refuses a protected namespace before touching the cluster or GitHub, whatever its labels say', async () => {
    const cluster = fakeCluster([preview('shop-prod')]);
    const { calls, records } = fakeRecords('deleted');
    const error = await endPreview(cluster, plan({ namespace: 'shop-prod', records }), () => {}).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotAPreviewError);
    expect((error as Error).message).toMatch(/protected environment.*Nothing was deleted/);
    expect(cluster.deleted).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('refuses a namespace named like a preview but without the label set at creation', async () => {
    const cluster = fakeCluster([preview('shop-preview-login', { team: 'a' })]);
    await expect(endPreview(cluster, plan(), () => {})).rejects.toThrow(
      /no k8s-ship.io\/preview=true label \(none\)/,
    );
    expect(cluster.deleted).toEqual([]);
  });

  it('refuses a name outside the preview pattern even when no such namespace exists', async () => {
    await expect(endPreview(fakeCluster([]), plan({ namespace: 'shop-qa' }), () => {})).rejects.toThrow(
      "a preview's name starts with 'shop-preview-'",
    );
  });

  it('is a no-op the second time, and says so', async () => {
    const cluster = fakeCluster([preview('shop-preview-login')]);
    await endPreview(cluster, plan(), () => {});
    const lines: string[] = [];
    const again = await endPreview(cluster, plan(), (line) => lines.push(line));
    expect(again).toEqual({ namespace: 'shop-preview-login', cluster: 'absent', environment: 'no-token' });
    expect(lines).toEqual(['Namespace shop-preview-login does not exist: nothing to delete on the cluster.']);
  });

  it('keeps the environment and passes GitHub’s refusal on when the token may not delete it', async () => {
    const { records } = fakeRecords('not-permitted', 'the token may not');
    const report = await endPreview(
      fakeCluster([preview('shop-preview-login')]),
      plan({ records }),
      () => {},
    );
    expect(report).toMatchObject({ environment: 'not-permitted', environmentMessage: 'the token may not' });
  });

  it('marks the deployments inactive but keeps the environment with delete-environment false', async () => {
    const { calls, records } = fakeRecords('deleted');
    const report = await endPreview(
      fakeCluster([preview('shop-preview-login')]),
      plan({ records, deleteEnvironment: false }),
      () => {},
    );
    expect(report.environment).toBe('kept');
    expect(calls).toEqual(['tear down shop-preview-login (keep environment)']);
  });
});
