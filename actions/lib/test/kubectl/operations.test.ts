import { describe, expect, it } from 'vitest';
import {
  annotate,
  containerLogs,
  eventsFor,
  getDeployment,
  rolloutUndo,
  selectorString,
  setImage,
} from '../../src/kubectl/index.js';
import { FakeKubectl, notFound } from '../fakes/kubectl.js';

describe('kubectl operations', () => {
  it('refuse names that are not DNS-1123 before running anything', async () => {
    const kubectl = new FakeKubectl(() => ({}));
    await expect(setImage(kubectl, 'dev', '--all', { api: 'a:1' })).rejects.toThrow(
      /Invalid deployment name "--all"/,
    );
    await expect(setImage(kubectl, 'dev;x', 'api', { api: 'a:1' })).rejects.toThrow(/Invalid namespace/);
    await expect(setImage(kubectl, 'dev', 'api', { 'a b': 'a:1' })).rejects.toThrow(/Invalid container name/);
    await expect(setImage(kubectl, 'dev', 'api', { api: '--image=x' })).rejects.toThrow(/invalid image/);
    await expect(annotate(kubectl, 'dev', 'deployment', 'api', { 'bad key!': 'v' })).rejects.toThrow(
      /annotation key/,
    );
    await expect(rolloutUndo(kubectl, 'dev', 'api', -1)).rejects.toThrow(/invalid revision/);
    await expect(containerLogs(kubectl, 'dev', 'pod', 'c', { tailLines: 0 })).rejects.toThrow(/tailLines/);
    expect(kubectl.calls).toEqual([]);
  });

  it('getDeployment returns undefined for NotFound and passes other failures on', async () => {
    expect(
      await getDeployment(new FakeKubectl(() => notFound('deployments.apps "api"')), 'dev', 'api'),
    ).toBeUndefined();
    const forbidden = new FakeKubectl(() => ({ exitCode: 1, stderr: 'Error from server (Forbidden): no' }));
    await expect(getDeployment(forbidden, 'dev', 'api')).rejects.toThrow(/Forbidden/);
  });

  it('rolloutUndo targets the recorded revision', async () => {
    const kubectl = new FakeKubectl(() => ({}));
    await rolloutUndo(kubectl, 'dev', 'api', 3);
    expect(kubectl.calls[0]?.args).toEqual([
      'rollout',
      'undo',
      'deployment/api',
      '--namespace',
      'dev',
      '--to-revision=3',
    ]);
  });

  it('selectorString writes every operator kubectl knows and refuses an empty selector', () => {
    expect(
      selectorString({
        matchLabels: { app: 'api' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['web', 'edge'] },
          { key: 'track', operator: 'NotIn', values: ['canary'] },
          { key: 'owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=api,tier in (web,edge),track notin (canary),owner,!legacy');
    expect(() => selectorString({})).toThrow(/empty selector/);
  });

  it('eventsFor keeps only the object’s events, oldest first, even if the server ignores the field selector', async () => {
    const event = (name: string, reason: string, time: string) => ({
      metadata: { name: `${name}.${reason}` },
      reason,
      lastTimestamp: time,
      involvedObject: { kind: 'Pod', name },
    });
    const kubectl = new FakeKubectl(() => ({
      stdout: JSON.stringify({
        items: [
          event('api-1', 'BackOff', '2026-01-01T00:00:03Z'),
          event('other', 'Pulled', '2026-01-01T00:00:01Z'),
          event('api-1', 'Failed', '2026-01-01T00:00:02Z'),
        ],
      }),
    }));
    const events = await eventsFor(kubectl, 'dev', 'Pod', 'api-1');
    expect(events.map((e) => e.reason)).toEqual(['Failed', 'BackOff']);
    expect(kubectl.calls[0]?.args).toContain('involvedObject.kind=Pod,involvedObject.name=api-1');
  });

  it('containerLogs gives the previous instance’s tail, and nothing when kubectl has none', async () => {
    const kubectl = new FakeKubectl(({ args }) =>
      args.includes('--previous') ? { stdout: 'boom\n' } : { exitCode: 1, stderr: 'container not started' },
    );
    expect(await containerLogs(kubectl, 'dev', 'api-1', 'api', { previous: true, tailLines: 20 })).toBe(
      'boom\n',
    );
    expect(await containerLogs(kubectl, 'dev', 'api-1', 'api')).toBe('');
    expect(kubectl.calls[0]?.args).toEqual([
      'logs',
      'api-1',
      '--namespace',
      'dev',
      '--container',
      'api',
      '--tail=20',
      '--previous',
    ]);
  });
});
