import { describe, expect, it } from 'vitest';
import type { Pod } from '../../lib/src/kubectl/index.js';
import { type FailureThresholds, podProblems, StateTimers } from '../src/pod-problems.js';
import { fixture, podWaiting, readyPod, unschedulablePod } from './objects.js';

const thresholds: FailureThresholds = {
  crashLoopRestarts: 3,
  unschedulableMs: 60_000,
  readinessMs: 30_000,
  imagePullGraceMs: 20_000,
};

function problemsAt(pod: Pod, now = 0, timers = new StateTimers(), t = thresholds) {
  return podProblems(pod, t, timers, now, new Set());
}

describe('podProblems on real pod objects', () => {
  it('gives a pull back-off that names no lasting cause the grace, then reports it with the kubelet message', () => {
    const timers = new StateTimers();
    expect(problemsAt(fixture('pod-imagepullbackoff'), 0, timers)).toEqual([]);
    expect(problemsAt(fixture('pod-imagepullbackoff'), 19_000, timers)).toEqual([]);
    expect(problemsAt(fixture('pod-imagepullbackoff'), 20_000, timers)).toEqual([
      {
        kind: 'image-pull',
        pod: 'guestbook-ui-errimagepullbackoff-66cfffb669-45w2j',
        container: 'errimagepullbackoff',
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "gcr.io/heptio-images/ks-guestbook-demo:0.3" (failing for 20 s)',
        restarted: false,
      },
    ]);
  });

  it('starts the grace again when a pull that failed goes through', () => {
    const timers = new StateTimers();
    const failing = podWaiting('ErrImagePull', 'dial tcp 10.0.0.1:443: i/o timeout');
    expect(problemsAt(failing, 0, timers)).toEqual([]);
    expect(problemsAt(podWaiting('ContainerCreating', ''), 15_000, timers)).toEqual([]);
    expect(problemsAt(failing, 30_000, timers)).toEqual([]);
    expect(problemsAt(failing, 50_000, timers)).toMatchObject([{ kind: 'image-pull' }]);
  });

  it.each([
    ['manifest unknown', 'failed to resolve reference "reg/app:v9": reg/app:v9: not found'],
    ['refused credentials', 'failed to authorize: failed to fetch anonymous token: 401 Unauthorized'],
    ['denied access', 'pull access denied, repository does not exist or may require authorization'],
  ])('reports a pull error that will not pass (%s) at once', (_what, message) => {
    const [problem] = problemsAt(podWaiting('ErrImagePull', message));
    expect(problem).toMatchObject({ kind: 'image-pull', reason: 'ErrImagePull', message });
  });

  it.each([
    ['ErrImageNeverPull', 'image-pull'],
    ['InvalidImageName', 'invalid-image'],
    ['CreateContainerConfigError', 'container-config'],
    ['CreateContainerError', 'container-start'],
    ['RunContainerError', 'container-start'],
    ['StartError', 'container-start'],
    ['ContainerCannotRun', 'container-start'],
  ])('reports a container waiting in %s as %s at once', (reason, kind) => {
    const [problem] = problemsAt(podWaiting(reason, `${reason}: details`));
    expect(problem).toMatchObject({ kind, reason, message: `${reason}: details` });
  });

  it('reports a program that could not start at once, before any crash-loop threshold', () => {
    const message =
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/no/such/entrypoint": stat /no/such/entrypoint: no such file or directory: unknown';
    const startedNever = fixture('pod-crashloop');
    const status = startedNever.status!.containerStatuses![0]!;
    status.state = { terminated: { exitCode: 128, reason: 'StartError', message } };
    expect(problemsAt(startedNever)).toMatchObject([
      { kind: 'container-start', reason: 'StartError', message },
    ]);

    status.restartCount = 1;
    status.state = {
      waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' },
    };
    status.lastState = { terminated: { exitCode: 128, reason: 'StartError', message } };
    expect(problemsAt(startedNever)).toMatchObject([
      { kind: 'container-start', reason: 'StartError', message, restarted: true },
    ]);
  });

  it('reports CrashLoopBackOff once the restarts reach the threshold, with the last exit code', () => {
    const [problem] = problemsAt(fixture('pod-crashloop'));
    expect(problem).toMatchObject({ kind: 'crash-loop', pod: 'my-pod', container: 'main', restarted: true });
    expect(problem?.message).toMatch(
      /^restarted 3 times; last exit code 1 \(Error\): Back-off 40s restarting/,
    );
  });

  it('leaves CrashLoopBackOff alone below the restart threshold', () => {
    expect(
      problemsAt(fixture('pod-crashloop'), 0, new StateTimers(), { ...thresholds, crashLoopRestarts: 4 }),
    ).toEqual([]);
  });

  it('sees a failing init container too', () => {
    const pod = fixture('pod-pending');
    pod.status!.initContainerStatuses = [
      {
        name: 'migrate',
        image: 'registry.example/migrate:1',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'ErrImagePull', message: 'migrate:1: not found' } },
      },
    ];
    expect(problemsAt(pod)).toMatchObject([{ kind: 'image-pull', container: 'migrate' }]);
  });

  it('finds nothing wrong with a pod still initializing or one that is ready', () => {
    expect(problemsAt(fixture('pod-pending'))).toEqual([]);
    expect(problemsAt(readyPod())).toEqual([]);
  });

  it('reports an unschedulable pod only once it has been unschedulable for the bound', () => {
    const timers = new StateTimers();
    const pod = unschedulablePod();
    expect(problemsAt(pod, 1_000, timers)).toEqual([]);
    expect(problemsAt(pod, 60_999, timers)).toEqual([]);
    expect(problemsAt(pod, 61_000, timers)).toMatchObject([
      {
        kind: 'unschedulable',
        reason: 'Unschedulable',
        message: 'unschedulable for 60 s: 0/3 nodes are available: 3 Insufficient cpu.',
      },
    ]);
  });

  it('reports a running pod that never turns ready once the readiness bound passes', () => {
    const timers = new StateTimers();
    const pod = fixture('pod-running-not-ready');
    // The fixture's probe waits 10 s before its first try: 30 s of bound + 10 s.
    expect(problemsAt(pod, 0, timers)).toEqual([]);
    expect(problemsAt(pod, 39_999, timers)).toEqual([]);
    expect(problemsAt(pod, 40_000, timers)).toMatchObject([
      {
        kind: 'readiness',
        pod: 'never-ready',
        container: 'main',
        reason: 'NotReady',
        message: 'running but not ready for 40 s (main)',
      },
    ]);
  });

  it('adds the readiness probe’s initial delay to the bound', () => {
    const timers = new StateTimers();
    const pod = fixture('pod-running-not-ready');
    pod.spec!.containers![0]!.readinessProbe = { initialDelaySeconds: 20 };
    expect(problemsAt(pod, 0, timers)).toEqual([]);
    expect(problemsAt(pod, 49_999, timers)).toEqual([]);
    expect(problemsAt(pod, 50_000, timers)).toMatchObject([{ kind: 'readiness' }]);
  });

  it('starts the readiness clock over when the pod was ready in between', () => {
    const timers = new StateTimers();
    const notReady = fixture('pod-running-not-ready');
    problemsAt(notReady, 0, timers);
    problemsAt(readyPod(), 20_000, timers);
    expect(problemsAt(notReady, 40_000, timers)).toEqual([]);
    expect(problemsAt(notReady, 79_999, timers)).toEqual([]);
    expect(problemsAt(notReady, 80_000, timers)).toMatchObject([{ kind: 'readiness' }]);
  });

  it('fails a zero bound on the first look', () => {
    expect(
      problemsAt(unschedulablePod(), 5, new StateTimers(), { ...thresholds, unschedulableMs: 0 }),
    ).toMatchObject([{ kind: 'unschedulable' }]);
  });
});

describe('StateTimers', () => {
  it('forgets the states of pods that are gone', () => {
    const timers = new StateTimers();
    timers.lasted('a', 0);
    timers.lasted('b', 0);
    timers.keepOnly(new Set(['b']));
    expect(timers.lasted('a', 500)).toBe(0);
    expect(timers.lasted('b', 500)).toBe(500);
  });
});
