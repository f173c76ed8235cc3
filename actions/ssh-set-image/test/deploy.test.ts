import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../lib/src/kubectl/index.js';
import { FakeKubectl, notFound } from '../../lib/test/fakes/kubectl.js';
import { type DeployPlan, deployImage } from '../src/deploy.js';

const IMAGE = `registry.example/api@sha256:${'b'.repeat(64)}`;

function deployment(revision: number, image: string, generation = 1): Deployment {
  return {
    metadata: {
      name: 'api',
      namespace: 'dev',
      generation,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: { spec: { containers: [{ name: 'api', image }] } },
    },
    status: { observedGeneration: generation },
  };
}

const plan = (extra: Partial<DeployPlan> = {}): DeployPlan => ({
  namespace: 'dev',
  deployment: 'api',
  images: { api: IMAGE },
  changeCause: 'deploy it',
  revisionTimeoutMs: 5000,
  pollMs: 1,
  ...extra,
});

/** A cluster of one Deployment whose revision goes up when the image is set or manifests applied. */
function cluster(initial: Deployment | undefined) {
  let current = initial;
  const kubectl = new FakeKubectl(({ args }) => {
    const verb = args[0];
    if (verb === 'get')
      return current ? { stdout: JSON.stringify(current) } : notFound('deployments.apps "api"');
    if (verb === 'set' || verb === 'apply') {
      const image = verb === 'set' ? ((args[3] as string).split('=')[1] as string) : IMAGE;
      const revision = current
        ? Number(current.metadata.annotations?.['deployment.kubernetes.io/revision']) + 1
        : 1;
      current = deployment(revision, image, (current?.metadata.generation ?? 0) + 1);
      return { stdout: verb === 'apply' ? 'namespace/dev created\ndeployment.apps/api created\n' : '' };
    }
    return {};
  });
  return kubectl;
}

describe('deployImage', () => {
  it('records the image and revision, sets the image, annotates, and reports the new revision', async () => {
    const kubectl = cluster(deployment(4, 'registry.example/api:old'));
    const result = await deployImage(kubectl, plan());
    expect(result).toEqual({
      previousImage: 'registry.example/api:old',
      previousRevision: 4,
      revision: 5,
      bootstrapped: false,
      changed: true,
    });
    const writes = kubectl.calls.map((call) => call.args).filter((args) => args[0] !== 'get');
    expect(writes).toEqual([
      ['set', 'image', 'deployment/api', `api=${IMAGE}`, '--namespace', 'dev'],
      [
        'annotate',
        'deployment/api',
        'kubernetes.io/change-cause=deploy it',
        '--overwrite',
        '--namespace',
        'dev',
      ],
    ]);
    // Reads may be re-run after a dropped connection; writes never.
    for (const call of kubectl.calls)
      expect('readOnly' in call.options && call.options.readOnly).toBe(call.args[0] === 'get');
  });

  it('changes nothing when the Deployment already runs the image', async () => {
    const kubectl = cluster(deployment(7, IMAGE));
    const result = await deployImage(kubectl, plan());
    expect(result).toMatchObject({ changed: false, revision: 7, previousRevision: 7 });
    expect(kubectl.calls.every((call) => call.args[0] === 'get')).toBe(true);
  });

  it('names the containers the Deployment has when one asked for is missing', async () => {
    const kubectl = cluster(deployment(1, 'x:1'));
    await expect(deployImage(kubectl, plan({ images: { worker: IMAGE } }))).rejects.toThrow(
      "Invalid input 'containers': the Deployment dev/api has no container 'worker'. Expected some of: api.",
    );
  });

  it('asks for an overlay when the Deployment is missing', async () => {
    await expect(deployImage(cluster(undefined), plan())).rejects.toThrow(
      /does not exist\. Set the input 'overlay'/,
    );
  });

  it('applies the rendered overlay on stdin when the Deployment is missing', async () => {
    const kubectl = cluster(undefined);
    const result = await deployImage(kubectl, plan({ bootstrap: async () => 'kind: Deployment\n' }));
    expect(result).toEqual({
      previousImage: '',
      previousRevision: 0,
      revision: 1,
      bootstrapped: true,
      changed: true,
    });
    const apply = kubectl.calls.find((call) => call.args[0] === 'apply');
    expect(apply?.args).toEqual(['apply', '-f', '-']);
    expect((apply?.options as { stdin?: string } | undefined)?.stdin).toBe('kind: Deployment\n');
  });

  it('fails with a clear message when no new revision appears in time', async () => {
    const stuck = new FakeKubectl(({ args }) =>
      args[0] === 'get' ? { stdout: JSON.stringify(deployment(2, 'x:1')) } : {},
    );
    await expect(deployImage(stuck, plan({ revisionTimeoutMs: 20 }))).rejects.toThrow(
      /got no new revision within 20 ms/,
    );
  });
});
