import { describe, expect, it } from 'vitest';
import { type Deployment, podsOf } from '../../lib/src/kubectl/index.js';
import { assessRollout } from '../src/assess.js';
import { StateTimers } from '../src/pod-problems.js';
import { deploymentState, formatProgress, progressOf, sameProgress } from '../src/progress.js';
import { newReplicaSet, previousRevision } from '../src/replica-sets.js';
import {
  deploymentAt,
  fixture,
  ownedBy,
  podWaiting,
  readyPod,
  replicaSetOf,
  rolloutWithNewPod,
} from './objects.js';

const thresholds = {
  crashLoopRestarts: 2,
  unschedulableMs: 60_000,
  readinessMs: 60_000,
  imagePullGraceMs: 0,
};

describe('deploymentState on real Deployment objects', () => {
  it('waits while a progressing rollout has updated 1 of 2 pods', () => {
    const d = fixture<Deployment>('deployment-progressing');
    // The fixture's new ReplicaSet has no pod ready yet: its one ready pod is the old one.
    expect(progressOf(d, undefined)).toEqual({ desired: 1, updated: 1, ready: 0, available: 0, total: 2 });
    expect(deploymentState(d)).toEqual({ state: 'waiting', message: '1 old replicas pending termination' });
  });

  it('reports ProgressDeadlineExceeded with the controller message', () => {
    expect(deploymentState(fixture<Deployment>('deployment-degraded'))).toEqual({
      state: 'deadline-exceeded',
      message: 'ReplicaSet "guestbook-ui-75dd4d49d5" has timed out progressing.',
    });
  });

  it('waits for the controller to observe a new generation, ignoring stale conditions', () => {
    const d = fixture<Deployment>('deployment-degraded');
    d.metadata.generation = 5;
    expect(deploymentState(d)).toMatchObject({
      state: 'waiting',
      message: expect.stringContaining('observe'),
    });
  });

  it('says a paused rollout waits for kubectl rollout resume', () => {
    expect(deploymentState(fixture<Deployment>('deployment-suspended'))).toEqual({
      state: 'waiting',
      message: 'no progress while paused (the Deployment is paused: kubectl rollout resume)',
    });
  });

  it('reports a ReplicaFailure condition (pods that cannot be created)', () => {
    const d = deploymentAt(2);
    d.status!.conditions!.push({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: 'pods "x" is forbidden: violates PodSecurity "restricted:latest"',
    });
    expect(deploymentState(d)).toEqual({
      state: 'replica-failure',
      message: 'FailedCreate: pods "x" is forbidden: violates PodSecurity "restricted:latest"',
    });
  });

  it('is complete when every replica is updated and available and no old one is left', () => {
    const d = deploymentAt(3, { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
    expect(deploymentState(d)).toEqual({ state: 'complete' });
  });

  it('waits for updated replicas to become available', () => {
    const d = deploymentAt(3, { replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0 });
    expect(deploymentState(d)).toEqual({ state: 'waiting', message: '0 of 1 updated replicas available' });
  });
});

describe('progress lines', () => {
  it('counts ready pods of the new ReplicaSet only, and tells old pods apart', () => {
    const d = fixture<Deployment>('deployment-progressing');
    expect(formatProgress(progressOf(d, undefined))).toBe(
      '1/1 new pods, 0 ready, 0 available; 1 old pod left',
    );
    const rs = replicaSetOf(d, 2);
    rs.status = { replicas: 1, readyReplicas: 1, availableReplicas: 0 };
    expect(formatProgress(progressOf(d, rs))).toBe('1/1 new pods, 1 ready, 0 available; 1 old pod left');
  });

  it('changes only when a count changes', () => {
    const a = progressOf(deploymentAt(2, { updatedReplicas: 1 }), undefined);
    expect(sameProgress(a, progressOf(deploymentAt(2, { updatedReplicas: 1 }), undefined))).toBe(true);
    expect(sameProgress(a, progressOf(deploymentAt(2, { updatedReplicas: 0 }), undefined))).toBe(false);
    expect(sameProgress(undefined, a)).toBe(false);
  });
});

describe('the new ReplicaSet and the revision to roll back to', () => {
  const d = deploymentAt(3);
  const sets = [replicaSetOf(d, 1), replicaSetOf(d, 2), replicaSetOf(d, 3)];

  it('is the owned ReplicaSet whose revision is the Deployment’s', () => {
    expect(newReplicaSet(d, sets)?.metadata.name).toBe('guestbook-ui-hash3');
  });

  it('is unknown until the controller observed the latest generation', () => {
    const pending = deploymentAt(3, { observedGeneration: 2 });
    expect(newReplicaSet(pending, sets)).toBeUndefined();
  });

  it('ignores ReplicaSets of another Deployment with the same revision', () => {
    const stranger = replicaSetOf(d, 3);
    stranger.metadata.ownerReferences![0]!.uid = 'another-uid';
    expect(newReplicaSet(d, [stranger])).toBeUndefined();
  });

  it('rolls back to the highest revision below the current one, and to none on a first deploy', () => {
    expect(previousRevision(d, [sets[0]!, sets[2]!])).toBe(1);
    expect(previousRevision(d, sets)).toBe(2);
    expect(previousRevision(d, [sets[2]!])).toBeUndefined();
  });

  it('finds the pods of a ReplicaSet by owner uid', () => {
    const pods = [ownedBy(readyPod(), sets[1]!, 'a'), ownedBy(readyPod(), sets[2]!, 'b')];
    expect(podsOf(sets[2]!, pods).map((p) => p.metadata.name)).toEqual(['guestbook-ui-hash3-b']);
  });
});

describe('assessRollout', () => {
  it('fails on a broken pod of the new ReplicaSet, naming pod, container and reason', () => {
    const verdict = assessRollout(
      rolloutWithNewPod(fixture('pod-imagepullbackoff')),
      thresholds,
      new StateTimers(),
      0,
    );
    expect(verdict.state).toBe('failed');
    if (verdict.state !== 'failed') return;
    expect(verdict.failure.kind).toBe('image-pull');
    expect(verdict.failure.reason).toBe(
      'ImagePullBackOff in pod guestbook-ui-hash2-new, container errimagepullbackoff: Back-off pulling image "gcr.io/heptio-images/ks-guestbook-demo:0.3"',
    );
    expect(verdict.newReplicaSet?.metadata.name).toBe('guestbook-ui-hash2');
  });

  it('does not blame the rollout for a broken pod of an old ReplicaSet', () => {
    const snapshot = rolloutWithNewPod(fixture('pod-pending'));
    snapshot.pods[0] = ownedBy(fixture('pod-crashloop'), snapshot.replicaSets[0]!, 'old');
    expect(assessRollout(snapshot, thresholds, new StateTimers(), 0).state).toBe('waiting');
  });

  it('counts the other failing pods in the reason', () => {
    const snapshot = rolloutWithNewPod(podWaiting('ErrImagePull', 'manifest unknown'));
    snapshot.pods.push(
      ownedBy(podWaiting('ErrImagePull', 'manifest unknown'), snapshot.replicaSets[1]!, 'second'),
    );
    const verdict = assessRollout(snapshot, thresholds, new StateTimers(), 0);
    expect(verdict.state === 'failed' && verdict.failure.reason).toMatch(/manifest unknown \(and 1 more\)$/);
  });

  it('fails on the progress deadline when no pod says more', () => {
    const snapshot = rolloutWithNewPod(fixture('pod-pending'));
    snapshot.deployment.status!.conditions = fixture<Deployment>('deployment-degraded').status!.conditions;
    const verdict = assessRollout(snapshot, thresholds, new StateTimers(), 0);
    expect(verdict).toMatchObject({ state: 'failed', failure: { kind: 'progress-deadline', problems: [] } });
  });
});
