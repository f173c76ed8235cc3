import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from '../../lib/src/target/index.js';
import { waitForRollout } from '../src/rollout-wait.js';
import { FakeClock, FakeCluster } from './fake-cluster.js';
import {
  completeRollout,
  deploymentAt,
  fixture,
  ownedBy,
  readyPod,
  replicaSetOf,
  rolloutWithNewPod,
} from './objects.js';
import { testSettings } from './settings.js';

const settings = testSettings;

const quiet = { info: () => {}, warning: () => {} };

/** After `rollout undo` to revision 1, the controller makes its ReplicaSet revision 3, its pod ready. */
function rolledBackTo1(pod = readyPod()) {
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 1 : 0;
  const deployment = deploymentAt(3, {
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: ready,
    availableReplicas: ready,
  });
  const rs = replicaSetOf(deployment, 3, 1);
  return { deployment, replicaSets: [replicaSetOf(deployment, 2), rs], pods: [ownedBy(pod, rs)] };
}

/** Just after the undo patch: the Deployment's generation moved on, the controller has not acted yet. */
function undoNotObservedYet(snapshot: RolloutSnapshot): RolloutSnapshot {
  snapshot.deployment.metadata.generation = (snapshot.deployment.metadata.generation ?? 0) + 1;
  return snapshot;
}

describe('waitForRollout', () => {
  it('rolls back a crash-looping rollout to the previous revision and still reports the failure', async () => {
    const clock = new FakeClock();
    const crashing = rolloutWithNewPod(fixture('pod-crashloop'));
    const cluster = new FakeCluster(
      clock,
      [crashing],
      [undoNotObservedYet(rolloutWithNewPod(readyPod())), rolledBackTo1()],
    );
    cluster.logs['guestbook-ui-hash2-new/main'] = 'Error: cannot connect to db\n';
    const outcome = await waitForRollout(cluster, settings, clock, quiet);
    expect(cluster.undos).toEqual([1]);
    expect(outcome).toMatchObject({
      result: 'rolled-back',
      revision: 3,
      rollback: { ok: true, toRevision: 1 },
      failure: { kind: 'crash-loop' },
    });
    expect(outcome.reason).toMatch(
      /^CrashLoopBackOff in pod guestbook-ui-hash2-new, container main: restarted 3 times/,
    );
    // The crashed instance has the logs that explain it.
    expect(cluster.logCalls).toEqual([
      { pod: 'guestbook-ui-hash2-new', container: 'main', previous: true, tailLines: 20 },
    ]);
    expect(outcome.details[0]?.logs).toEqual({ text: 'Error: cannot connect to db\n' });
  });

  it('uses the previous-revision input over what the ReplicaSets suggest', async () => {
    const clock = new FakeClock();
    const deployment = deploymentAt(3, {
      replicas: 2,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
    const [rs1, rs2, rs3] = [1, 2, 3].map((revision) => replicaSetOf(deployment, revision));
    const broken = {
      deployment,
      replicaSets: [rs1!, rs2!, rs3!],
      pods: [ownedBy(fixture('pod-imagepullbackoff'), rs3!)],
    };
    const cluster = new FakeCluster(clock, [broken], [rolledBackTo1()]);
    await waitForRollout(cluster, { ...settings, previousRevision: 1 }, clock, quiet);
    expect(cluster.undos).toEqual([1]);
  });

  it('does not roll back to a revision whose ReplicaSet is gone', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [rolloutWithNewPod(fixture('pod-imagepullbackoff'))]);
    const outcome = await waitForRollout(cluster, { ...settings, previousRevision: 7 }, clock, quiet);
    expect(cluster.undos).toEqual([]);
    expect(outcome).toMatchObject({ result: 'failed' });
    expect(outcome.reason).toMatch(/\(not rolled back: revision 7 has no ReplicaSet left\)$/);
  });

  it('does not read logs of a container that never started', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(
      clock,
      [rolloutWithNewPod(fixture('pod-imagepullbackoff'))],
      [rolledBackTo1()],
    );
    const outcome = await waitForRollout(cluster, settings, clock, quiet);
    expect(cluster.logCalls).toEqual([]);
    expect(outcome.details[0]?.logs).toEqual({ missing: 'the container never started (ImagePullBackOff)' });
  });

  it('only reports when rollback-on-failure is off', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [rolloutWithNewPod(fixture('pod-imagepullbackoff'))]);
    const outcome = await waitForRollout(cluster, { ...settings, rollbackOnFailure: false }, clock, quiet);
    expect(cluster.undos).toEqual([]);
    expect(outcome).toMatchObject({ result: 'failed', revision: 2 });
    expect(outcome.rollback).toBeUndefined();
  });

  it('fails without an undo on a first deploy, which has no earlier revision', async () => {
    const clock = new FakeClock();
    const first = rolloutWithNewPod(fixture('pod-imagepullbackoff'));
    first.replicaSets.shift();
    first.pods.shift();
    const cluster = new FakeCluster(clock, [first]);
    const outcome = await waitForRollout(cluster, settings, clock, quiet);
    expect(cluster.undos).toEqual([]);
    expect(outcome.result).toBe('failed');
    expect(outcome.reason).toMatch(/\(no earlier revision to roll back to\)$/);
  });

  it('reports a rollback that does not become available as failed, with both reasons', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(
      clock,
      [rolloutWithNewPod(fixture('pod-imagepullbackoff'))],
      [rolledBackTo1(fixture('pod-pending'))],
    );
    const outcome = await waitForRollout(cluster, { ...settings, rollbackTimeoutMs: 5_000 }, clock, quiet);
    expect(outcome.result).toBe('failed');
    expect(outcome.rollback).toMatchObject({ ok: false, toRevision: 1 });
    expect(outcome.reason).toMatch(
      /^ImagePullBackOff .*; the rollback did not become available: Timed out after 5 s/,
    );
  });

  it('reports an undo that kubectl refused as failed', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [rolloutWithNewPod(fixture('pod-imagepullbackoff'))]);
    cluster.undoError = new ClusterError('Error from server (Forbidden): cannot patch', 'forbidden');
    const outcome = await waitForRollout(cluster, settings, clock, quiet);
    expect(outcome.result).toBe('failed');
    expect(outcome.reason).toContain(
      'rollout undo to revision 1 failed: Error from server (Forbidden): cannot patch',
    );
  });

  it('succeeds with the revision and no details when the rollout completes', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [rolledBackTo1()]);
    const outcome = await waitForRollout(cluster, settings, clock, quiet);
    expect(outcome).toMatchObject({ result: 'succeeded', revision: 3, details: [] });
    expect(outcome.durationMs).toBe(100);
  });

  it('never undoes a deploy that came after the failure was seen: the undo patch tests the generation', async () => {
    const clock = new FakeClock();
    const broken = rolloutWithNewPod(fixture('pod-crashloop'));
    // Between the failing poll and the undo, another deploy changed the spec (generation 2 → 3).
    const next = structuredClone(broken);
    next.deployment.metadata.generation = 3;
    const cluster = new FakeCluster(clock, [broken]);
    const patch = cluster.patchDeployment.bind(cluster);
    cluster.patchDeployment = async (namespace, deployment, operations) => {
      cluster.answerNext(next);
      return patch(namespace, deployment, operations);
    };
    const outcome = await waitForRollout(cluster, settings, clock, quiet);
    expect(cluster.undos).toEqual([]);
    expect(outcome).toMatchObject({ result: 'failed', rollback: { ok: false, superseded: true } });
    expect(outcome.reason).toMatch(
      /not rolled back: the Deployment changed since the failure was seen \(generation 2 → 3\)/,
    );
  });

  it('reports superseded without rolling back when another revision replaced the watched one', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [completeRollout(3)]);
    const outcome = await waitForRollout(
      cluster,
      { ...settings, identity: { revision: 2, podTemplateHash: 'hash2' } },
      clock,
      quiet,
    );
    expect(cluster.patches).toEqual([]);
    expect(outcome).toMatchObject({ result: 'superseded', revision: 3, details: [] });
  });
});
