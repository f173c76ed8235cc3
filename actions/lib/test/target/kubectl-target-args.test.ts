import { describe, expect, it } from 'vitest';
import { annotateArgs, containerLogsArgs, eventsArgs, selectorString } from '../../src/kubectl/index.js';
import { KubectlTarget } from '../../src/target/index.js';
import { FakeKubectl, notFound } from '../fakes/kubectl.js';

describe('the deploy target on kubectl', () => {
  it('refuses names that are not DNS-1123 before running anything', async () => {
    const kubectl = new FakeKubectl(() => ({}));
    const target = new KubectlTarget(kubectl);
    await expect(target.setImage('dev', '--all', { api: 'a:1' })).rejects.toThrow(
      /Invalid deployment name "--all"/,
    );
    await expect(target.setImage('dev;x', 'api', { api: 'a:1' })).rejects.toThrow(/Invalid namespace/);
    await expect(target.setImage('dev', 'api', { 'a b': 'a:1' })).rejects.toThrow(/Invalid container name/);
    await expect(target.setImage('dev', 'api', { api: '--image=x' })).rejects.toThrow(/invalid image/);
    expect(() => annotateArgs('dev', 'deployment', 'api', { 'bad key!': 'v' })).toThrow(/annotation key/);
    expect(() => containerLogsArgs('dev', 'pod', 'c', { tailLines: 0 })).toThrow(/tailLines/);
    expect(() => eventsArgs('dev', 'pod', 'api-1')).toThrow(/invalid kind/);
    expect(kubectl.calls).toEqual([]);
  });

  it('deployment() returns undefined for NotFound and passes other failures on', async () => {
    const missing = new KubectlTarget(new FakeKubectl(() => notFound('deployments.apps "api"')));
    expect(await missing.deployment('dev', 'api')).toBeUndefined();
    const forbidden = new FakeKubectl(() => ({ exitCode: 1, stderr: 'Error from server (Forbidden): no' }));
    await expect(new KubectlTarget(forbidden).deployment('dev', 'api')).rejects.toThrow(/Forbidden/);
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

  it('containerLogsArgs asks for the previous instance’s tail', () => {
    expect(containerLogsArgs('dev', 'api-1', 'api', { previous: true, tailLines: 20 })).toEqual([
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

  it('eventsArgs selects the events of one object', () => {
    expect(eventsArgs('dev', 'Pod', 'api-1')).toContain('involvedObject.kind=Pod,involvedObject.name=api-1');
  });

  it('runs what a canary or blue/green needs: the Service, its selector patched, a variant deleted', async () => {
    const kubectl = new FakeKubectl(({ args }) => {
      if (args[0] === 'get')
        return { stdout: JSON.stringify({ metadata: { name: 'api' }, spec: { selector: { app: 'api' } } }) };
      if (args[0] === 'delete')
        return { stdout: args[2] === 'api-green' ? '' : 'deployment.apps "api-canary" deleted\n' };
      return {};
    });
    const target = new KubectlTarget(kubectl);
    expect((await target.service('shop', 'api'))?.spec.selector).toEqual({ app: 'api' });
    await target.patchService('shop', 'api', [
      { op: 'add', path: '/spec/selector/pod-template-hash', value: 'abc' },
    ]);
    expect(await target.deleteDeployment('shop', 'api-canary', 60)).toBe('deleted');
    expect(await target.deleteDeployment('shop', 'api-green', 60)).toBe('absent');
    expect(kubectl.calls.map((call) => call.args)).toEqual([
      ['get', 'service', 'api', '--namespace', 'shop', '-o', 'json'],
      [
        'patch',
        'service',
        'api',
        '--namespace',
        'shop',
        '--type=json',
        '--patch=[{"op":"add","path":"/spec/selector/pod-template-hash","value":"abc"}]',
      ],
      [
        'delete',
        'deployment',
        'api-canary',
        '--namespace',
        'shop',
        '--ignore-not-found',
        '--cascade=foreground',
        '--wait=true',
        '--timeout=60s',
      ],
      [
        'delete',
        'deployment',
        'api-green',
        '--namespace',
        'shop',
        '--ignore-not-found',
        '--cascade=foreground',
        '--wait=true',
        '--timeout=60s',
      ],
    ]);
    await expect(target.service('shop', 'Api')).rejects.toThrow(/Invalid service name/);
    await expect(target.deleteDeployment('shop', '--all', 60)).rejects.toThrow(/Invalid deployment name/);
  });

  it('service() returns undefined for NotFound', async () => {
    const missing = new KubectlTarget(new FakeKubectl(() => notFound('services "api"')));
    expect(await missing.service('dev', 'api')).toBeUndefined();
  });
});
