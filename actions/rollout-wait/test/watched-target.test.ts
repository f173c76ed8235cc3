import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../lib/src/index.js';
import {
  ClusterError,
  type Deployment,
  KubectlNotFoundError,
  type KubectlRunOptions,
} from '../../lib/src/kubectl/index.js';
import {
  type JsonPatch,
  type KubectlRun,
  KubectlTarget,
  selectorArgument,
} from '../../lib/src/target/index.js';
import { fixture, replicaSetOf } from './objects.js';

// The deploy target as the watcher opens it: every request bounded (main.ts).
const watched = (kubectl: KubectlRun) => new KubectlTarget(kubectl, { requestTimeoutSeconds: 10 });

type Call = { args: readonly string[]; options: KubectlRunOptions | undefined };

/** A Kubectl `run` that records argv and answers from `respond`. */
function fakeKubectl(respond: (args: readonly string[]) => Partial<CommandResult> | Error) {
  const calls: Call[] = [];
  return {
    calls,
    kubectl: {
      async run(args: readonly string[], options?: KubectlRunOptions): Promise<CommandResult> {
        calls.push({ args, options });
        const answer = respond(args);
        if (answer instanceof Error) throw answer;
        return { exitCode: 0, stdout: '', stderr: '', ...answer };
      },
    },
  };
}

const deployment = fixture<Deployment>('deployment-progressing');
const list = {
  kind: 'List',
  items: [
    { kind: 'ReplicaSet', ...replicaSetOf(deployment, 4) },
    { kind: 'Pod', ...fixture('pod-pending') },
  ],
};

function answerGets(args: readonly string[]): Partial<CommandResult> {
  if (args[1] === 'deployment') return { stdout: JSON.stringify(deployment) };
  return { stdout: JSON.stringify(list) };
}

describe('the deploy target as the watcher reads it', () => {
  it('reads the Deployment, then its ReplicaSets and pods by its selector, with bounded requests', async () => {
    const fake = fakeKubectl(answerGets);
    const snapshot = await watched(fake.kubectl).snapshot('shop', 'guestbook-ui');
    expect(fake.calls.map((c) => c.args)).toEqual([
      ['get', 'deployment', 'guestbook-ui', '--namespace', 'shop', '-o', 'json', '--request-timeout=10s'],
      [
        'get',
        'replicasets,pods',
        '--namespace',
        'shop',
        '--selector',
        'app=guestbook-ui',
        '-o',
        'json',
        '--request-timeout=10s',
      ],
    ]);
    expect(fake.calls.every((c) => c.options?.readOnly === true && c.options.ignoreExitCode === true)).toBe(
      true,
    );
    expect(snapshot.replicaSets.map((r) => r.metadata.name)).toEqual(['guestbook-ui-hash4']);
    expect(snapshot.pods.map((p) => p.metadata.name)).toEqual(['image-pull-backoff']);
  });

  it('remembers the selector, so that later polls read both at once', async () => {
    const fake = fakeKubectl(answerGets);
    const cluster = watched(fake.kubectl);
    await cluster.snapshot('shop', 'guestbook-ui');
    await cluster.snapshot('shop', 'guestbook-ui');
    expect(fake.calls).toHaveLength(4);
  });

  it.each([
    ['Error from server (InternalError): an error on the server', true],
    ['Error from server (ServiceUnavailable): the server is currently unable to handle the request', true],
    ['Error from server (Expired): too old resource version: 1 (20)', true],
    [
      'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
      true,
    ],
    ['Error from server (NotFound): deployments.apps "guestbook-ui" not found', false],
    ['Error from server (Forbidden): deployments.apps is forbidden: User "deploy" cannot get', false],
  ])('classifies kubectl failing with %j as transient=%s', async (stderr, transient) => {
    const fake = fakeKubectl(() => ({ exitCode: 1, stderr: `${stderr}\n` }));
    const error = await watched(fake.kubectl)
      .snapshot('shop', 'guestbook-ui')
      .catch((e) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ transient, message: `kubectl get deployment: ${stderr}` });
  });

  it('treats a dropped connection and half a JSON document as transient', async () => {
    const dropped = fakeKubectl(() => new Error('SSH connection lost'));
    await expect(watched(dropped.kubectl).snapshot('a', 'b')).rejects.toMatchObject({
      transient: true,
    });
    const half = fakeKubectl(() => ({ stdout: '{"metadata": {' }));
    await expect(watched(half.kubectl).snapshot('a', 'b')).rejects.toMatchObject({
      transient: true,
      message: 'kubectl get printed no complete JSON (14 bytes)',
    });
  });

  it('lets a missing kubectl through as it is: no retry can fix it', async () => {
    const missing = new KubectlNotFoundError('this machine', '/opt/kubectl');
    const fake = fakeKubectl(() => missing);
    await expect(watched(fake.kubectl).snapshot('a', 'b')).rejects.toBe(missing);
  });

  it('sends the undo patch once, never as a command safe to re-run', async () => {
    const fake = fakeKubectl(() => ({}));
    const patch: JsonPatch = [{ op: 'test', path: '/metadata/generation', value: 4 }];
    await watched(fake.kubectl).patchDeployment('shop', 'web', patch);
    expect(fake.calls).toEqual([
      {
        args: [
          'patch',
          'deployment',
          'web',
          '--namespace',
          'shop',
          '--type=json',
          '--patch=[{"op":"test","path":"/metadata/generation","value":4}]',
          '--request-timeout=10s',
        ],
        options: { ignoreExitCode: true, readOnly: false },
      },
    ]);
  });

  it('reads the previous instance’s last log lines and a pod’s events in time order', async () => {
    const events = {
      items: [
        { reason: 'BackOff', lastTimestamp: '2024-01-01T00:00:09Z' },
        { reason: 'Pulled', lastTimestamp: '2024-01-01T00:00:02Z' },
      ],
    };
    const fake = fakeKubectl((args) =>
      args[0] === 'logs' ? { stdout: 'boom\n' } : { stdout: JSON.stringify(events) },
    );
    const cluster = watched(fake.kubectl);
    expect(await cluster.containerLogs('shop', 'web-1', 'app', { tailLines: 30, previous: true })).toBe(
      'boom\n',
    );
    expect((await cluster.podEvents('shop', 'web-1')).map((e) => e.reason)).toEqual(['Pulled', 'BackOff']);
    expect(fake.calls.map((c) => c.args)).toEqual([
      [
        'logs',
        'web-1',
        '--namespace',
        'shop',
        '--container',
        'app',
        '--tail=30',
        '--previous',
        '--request-timeout=10s',
      ],
      [
        'get',
        'events',
        '--namespace',
        'shop',
        '--field-selector',
        'involvedObject.kind=Pod,involvedObject.name=web-1',
        '-o',
        'json',
        '--request-timeout=10s',
      ],
    ]);
  });
});

describe('selectorArgument', () => {
  const withSelector = (selector: Deployment['spec']['selector']): Deployment => {
    const deployment = fixture<Deployment>('deployment-progressing');
    deployment.spec.selector = selector;
    return deployment;
  };

  it('writes matchLabels and matchExpressions in kubectl’s syntax', () => {
    expect(
      selectorArgument(
        withSelector({
          matchLabels: { app: 'web', tier: 'api' },
          matchExpressions: [
            { key: 'track', operator: 'In', values: ['stable', 'canary'] },
            { key: 'legacy', operator: 'DoesNotExist' },
          ],
        }),
      ),
    ).toBe('app=web,tier=api,track in (stable,canary),!legacy');
  });

  it('refuses an empty selector rather than matching every pod, as an error asking again will not fix', () => {
    let thrown: unknown;
    try {
      selectorArgument(withSelector({}));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ClusterError);
    expect(thrown).toMatchObject({ transient: false, message: expect.stringMatching(/empty selector/) });
  });
});
