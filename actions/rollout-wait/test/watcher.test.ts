import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../lib/src/kubectl/index.js';
import { type WatchOptions, watchRollout } from '../src/watcher.js';
import { FakeClock, FakeCluster } from './fake-cluster.js';
import {
  completeRollout,
  deploymentAt,
  fixture,
  ownedBy,
  replicaSetOf,
  rolloutWithNewPod,
} from './objects.js';

const options: WatchOptions = {
  namespace: 'shop',
  deployment: 'guestbook-ui',
  timeoutMs: 60_000,
  pollIntervalMs: 1_000,
  thresholds: { crashLoopRestarts: 2, unschedulableMs: 60_000, readinessMs: 60_000, imagePullGraceMs: 0 },
};

function recordingLog() {
  const lines: string[] = [];
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
  };
}

describe('watchRollout', () => {
  it('prints a progress line only when the counts change, then completes', async () => {
    const clock = new FakeClock();
    const pending = rolloutWithNewPod(fixture('pod-pending'), { readyReplicas: 1 });
    const cluster = new FakeCluster(clock, [pending, pending, pending, completeRollout(2)]);
    const log = recordingLog();
    const result = await watchRollout(cluster, options, clock, log);
    expect(result).toMatchObject({ outcome: 'complete', revision: 2 });
    expect(log.lines).toEqual([
      'info: guestbook-ui: 1/1 new pods, 0 ready, 0 available; 1 old pod left',
      'info: guestbook-ui: 1/1 new pods, 1 ready, 1 available',
    ]);
    expect(cluster.polls).toBe(4);
  });

  it('fails on the first poll after the pod reports a broken image, one poll interval at most', async () => {
    const clock = new FakeClock();
    const pending = rolloutWithNewPod(fixture('pod-pending'));
    const broken = rolloutWithNewPod(fixture('pod-imagepullbackoff'));
    const cluster = new FakeCluster(clock, [pending, pending, pending, broken]);
    const result = await watchRollout(cluster, options, clock, recordingLog());
    expect(result.outcome).toBe('failed');
    if (result.outcome !== 'failed') return;
    expect(result.failure.kind).toBe('image-pull');
    // Polls start every second: the 4th starts at 3 s and answers after 100 ms of latency.
    expect(result.detectedAt).toBe(3_100);
  });

  it('keeps polling through transient API errors, warning once per streak', async () => {
    const clock = new FakeClock();
    const err = (m: string) => new ClusterError(m, 'transient');
    const pending = rolloutWithNewPod(fixture('pod-pending'));
    const cluster = new FakeCluster(clock, [
      pending,
      err('Error from server (InternalError): boom'),
      err('Error from server (Expired): too old resource version'),
      pending,
      err('connection reset'),
      completeRollout(2),
    ]);
    const log = recordingLog();
    const result = await watchRollout(cluster, options, clock, log);
    expect(result.outcome).toBe('complete');
    expect(log.lines.filter((l) => l.startsWith('warning:'))).toEqual([
      'warning: Polling the rollout failed, retrying: Error from server (InternalError): boom',
      'warning: Polling the rollout failed, retrying: connection reset',
    ]);
    expect(log.lines).toContain('info: The cluster answers again after 2 failed poll(s).');
  });

  it('stops at once on a permanent error such as a missing deployment', async () => {
    const clock = new FakeClock();
    const notFound = new ClusterError(
      'Error from server (NotFound): deployments.apps "web" not found',
      'not-found',
    );
    const cluster = new FakeCluster(clock, [notFound]);
    await expect(watchRollout(cluster, options, clock, recordingLog())).rejects.toBe(notFound);
    expect(cluster.polls).toBe(1);
  });

  it('times out with what it was still waiting for', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [rolloutWithNewPod(fixture('pod-pending'))]);
    const result = await watchRollout(cluster, { ...options, timeoutMs: 5_000 }, clock, recordingLog());
    expect(result).toMatchObject({
      outcome: 'failed',
      failure: {
        kind: 'timeout',
        reason:
          'Timed out after 5 s: new pod guestbook-ui-hash2-new waiting for container main: PodInitializing',
      },
    });
    expect(clock.now()).toBeGreaterThanOrEqual(5_000);
    expect(clock.now()).toBeLessThan(6_200);
  });

  it('times out when the cluster never answers, saying so', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [new ClusterError('ssh: connection refused', 'transient')]);
    const result = await watchRollout(cluster, { ...options, timeoutMs: 3_000 }, clock, recordingLog());
    expect(result).toMatchObject({
      outcome: 'failed',
      failure: {
        kind: 'timeout',
        reason: 'Timed out after 3 s: the cluster did not answer: ssh: connection refused',
      },
    });
  });

  it('fails a readiness probe that never passes once the bound has gone by on the runner clock', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [rolloutWithNewPod(fixture('pod-running-not-ready'))]);
    const result = await watchRollout(
      cluster,
      { ...options, thresholds: { ...options.thresholds, readinessMs: 10_000 } },
      clock,
      recordingLog(),
    );
    expect(result).toMatchObject({ outcome: 'failed', failure: { kind: 'readiness' } });
    // 10 s of bound after the probe's 10 s initial delay, one poll a second.
    expect(cluster.polls).toBe(21);
  });

  it('says what it waits for at least every 10 s, with the readiness probe’s last complaint', async () => {
    const clock = new FakeClock();
    const notReady = rolloutWithNewPod(fixture('pod-running-not-ready'));
    const cluster = new FakeCluster(clock, [notReady]);
    cluster.events['guestbook-ui-hash2-new'] = [
      {
        metadata: { name: 'e1' },
        involvedObject: { kind: 'Pod', name: 'guestbook-ui-hash2-new' },
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      },
    ];
    const log = recordingLog();
    await watchRollout(cluster, { ...options, timeoutMs: 25_000 }, clock, log);
    const waiting = log.lines.filter((line) => line.startsWith('info: Waiting for'));
    expect(waiting).toEqual([
      'info: Waiting for new pod guestbook-ui-hash2-new not ready for 10 s: readiness probe failing, last: Readiness probe failed: HTTP probe failed with statuscode: 503',
      'info: Waiting for new pod guestbook-ui-hash2-new not ready for 20 s: readiness probe failing, last: Readiness probe failed: HTTP probe failed with statuscode: 503',
    ]);
  });

  it('returns superseded, judging nothing, once another revision replaced the one it watches', async () => {
    const clock = new FakeClock();
    const ours = rolloutWithNewPod(fixture('pod-pending'));
    // Revision 3 came from another deploy while revision 2's pod was still starting; it crashes.
    const deployment = deploymentAt(3, { replicas: 2, updatedReplicas: 1 });
    deployment.metadata.annotations!['kubernetes.io/change-cause'] = 'deploy of abc123 by octocat';
    const [rs1, rs2, rs3] = [1, 2, 3].map((revision) => replicaSetOf(deployment, revision));
    const theirs = {
      deployment,
      replicaSets: [rs1!, rs2!, rs3!],
      pods: [ownedBy(fixture('pod-crashloop'), rs3!)],
    };
    const cluster = new FakeCluster(clock, [ours, theirs]);
    const result = await watchRollout(
      cluster,
      { ...options, identity: { revision: 2, podTemplateHash: 'hash2' } },
      clock,
      recordingLog(),
    );
    expect(result).toMatchObject({
      outcome: 'superseded',
      revision: 3,
      reason:
        'revision 2 (pod-template-hash hash2) is no longer the Deployment\'s: revision 3 (ReplicaSet guestbook-ui-hash3, change-cause "deploy of abc123 by octocat") replaced it',
    });
  });

  it('judges its own revision after a rollout undo renumbered it', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, [completeRollout(4, 2, 3)]);
    const result = await watchRollout(
      cluster,
      { ...options, identity: { revision: 2, podTemplateHash: 'hash2' } },
      clock,
      recordingLog(),
    );
    expect(result).toMatchObject({ outcome: 'complete', revision: 4 });
  });
});
