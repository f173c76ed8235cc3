import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from '../../lib/src/target/index.js';
import { assessRollout } from '../src/assess.js';
import { StateTimers } from '../src/pod-problems.js';
import { waitForRollout } from '../src/rollout-wait.js';
import { FakeClock, FakeCluster } from './fake-cluster.js';
import { deploymentAt, fixture, ownedBy, readyPod, replicaSetOf, rolloutWithNewPod } from './objects.js';
import { testSettings } from './settings.js';

/*
 * The Deployment controller keeps a ProgressDeadlineExceeded condition, message and all, until the
 * Deployment makes progress or completes. After `rollout undo` to an existing ReplicaSet, while the pods
 * of the one rolled back from still terminate, the condition still names that one: seen on the sandbox's
 * real v1.36 cluster (generation 5 observed, 2 replicas, `ReplicaSet "app-6db4dc8b59" has timed out
 * progressing.` until the broken pod was gone).
 */

const { thresholds } = testSettings;

function deadlineOf(replicaSet: string): NonNullable<Deployment['status']>['conditions'] {
  return [
    {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${replicaSet}" has timed out progressing.`,
    },
  ];
}

/** Revision 2 never turned ready and ran out of time: its pod is still pending. */
function timedOut(): RolloutSnapshot {
  const snapshot = rolloutWithNewPod(fixture('pod-pending'));
  snapshot.deployment.status!.conditions = deadlineOf('guestbook-ui-hash2');
  return snapshot;
}

/**
 * Just after `rollout undo` to revision 1: its ReplicaSet is revision 3 with its ready pod, revision 2's
 * pod still terminates, and the condition still names revision 2's ReplicaSet.
 */
function justRolledBack(deadlineNames = 'guestbook-ui-hash2'): RolloutSnapshot {
  const deployment = deploymentAt(3, {
    replicas: 2,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    conditions: deadlineOf(deadlineNames),
  });
  const broken = replicaSetOf(deployment, 2);
  const current = replicaSetOf(deployment, 3, 1);
  return {
    deployment,
    replicaSets: [broken, current],
    pods: [ownedBy(readyPod(), current, 'ready'), ownedBy(fixture('pod-pending'), broken, 'stopping')],
  };
}

function rolledBackAndAvailable(): RolloutSnapshot {
  const deployment = deploymentAt(3, {
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    conditions: [
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: 'ReplicaSet "guestbook-ui-hash1" has successfully progressed.',
      },
    ],
  });
  const current = replicaSetOf(deployment, 3, 1);
  return {
    deployment,
    replicaSets: [replicaSetOf(deployment, 2), current],
    pods: [ownedBy(readyPod(), current, 'ready')],
  };
}

describe('the progress deadline of the ReplicaSet rolled back from', () => {
  it('is not the verdict on the rollback: the watch after an undo waits for the old pods to go', () => {
    const verdict = assessRollout(justRolledBack(), thresholds, new StateTimers(), 0, { afterUndo: true });
    expect(verdict).toMatchObject({
      state: 'waiting',
      message: '1 old replicas pending termination',
      newReplicaSet: { metadata: { name: 'guestbook-ui-hash1' } },
    });
  });

  it('still fails the watch after an undo when it names the current ReplicaSet', () => {
    const verdict = assessRollout(justRolledBack('guestbook-ui-hash1'), thresholds, new StateTimers(), 0, {
      afterUndo: true,
    });
    expect(verdict).toMatchObject({ state: 'failed', failure: { kind: 'progress-deadline' } });
  });

  it('still fails the rollout watch itself, as kubectl rollout status would', () => {
    const verdict = assessRollout(justRolledBack(), thresholds, new StateTimers(), 0);
    expect(verdict).toMatchObject({ state: 'failed', failure: { kind: 'progress-deadline' } });
  });

  it('lets a rollback from a timed-out rollout end rolled back, not failed', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(
      clock,
      [timedOut()],
      [justRolledBack(), justRolledBack(), rolledBackAndAvailable()],
    );
    const outcome = await waitForRollout(cluster, testSettings, clock, { info: () => {}, warning: () => {} });
    expect(cluster.undos).toEqual([1]);
    expect(outcome).toMatchObject({
      result: 'rolled-back',
      reason: 'ProgressDeadlineExceeded: ReplicaSet "guestbook-ui-hash2" has timed out progressing.',
      revision: 3,
      rollback: { ok: true, toRevision: 1 },
      failure: { kind: 'progress-deadline' },
    });
  });
});
