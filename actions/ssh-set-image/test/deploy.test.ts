import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../lib/src/kubectl/index.js';
import { KubectlTarget } from '../../lib/src/target/index.js';
import { FakeKubectl, notFound } from '../../lib/test/fakes/kubectl.js';
import { type DeployPlan, deployImage } from '../src/deploy.js';

const IMAGE = `registry.example/api@sha256:${'b'.repeat(64)}`;

function deployment(revision: number, image: string, generation = 1): Deployment {
  return {
    metadata: {
      name: 'api',
      namespace: 'dev',
      uid: 'api-uid',
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

/** The ReplicaSet the controller makes for a revision of the Deployment, hashed by its image. */
function replicaSetOf(d: Deployment): ReplicaSet {
  const image = d.spec.template.spec.containers[0]?.image ?? '';
  const hash = createHash('sha256').update(image).digest('hex').slice(0, 10);
  return {
    metadata: {
      name: `api-${hash}`,
      labels: { app: 'api', 'pod-template-hash': hash },
      annotations: { ...d.metadata.annotations },
      ownerReferences: [{ kind: 'Deployment', name: 'api', uid: 'api-uid', controller: true }],
    },
    spec: { selector: d.spec.selector, template: d.spec.template },
  };
}

const hashOf = (image: string) => createHash('sha256').update(image).digest('hex').slice(0, 10);

/** A cluster of one Deployment whose revision goes up when the image is set or manifests applied. */
function cluster(initial: Deployment | undefined) {
  let current = initial;
  const sets = initial ? [replicaSetOf(initial)] : [];
  const kubectl = new FakeKubectl(({ args }) => {
    const verb = args[0];
    if (verb === 'get' && args[1] === 'replicasets') return { stdout: JSON.stringify({ items: sets }) };
    if (verb === 'get')
      return current ? { stdout: JSON.stringify(current) } : notFound('deployments.apps "api"');
    if (verb === 'set' || verb === 'apply') {
      const image = verb === 'set' ? ((args[3] as string).split('=')[1] as string) : IMAGE;
      const revision = current
        ? Number(current.metadata.annotations?.['deployment.kubernetes.io/revision']) + 1
        : 1;
      current = deployment(revision, image, (current?.metadata.generation ?? 0) + 1);
      sets.push(replicaSetOf(current));
      return { stdout: verb === 'apply' ? 'namespace/dev created\ndeployment.apps/api created\n' : '' };
    }
    return {};
  });
  return kubectl;
}

describe('deployImage', () => {
  it('records the image and revision, sets the image, annotates, and reports the new revision', async () => {
    const kubectl = cluster(deployment(4, 'registry.example/api:old'));
    const result = await deployImage(new KubectlTarget(kubectl), plan());
    expect(result).toEqual({
      previousImage: 'registry.example/api:old',
      previousRevision: 4,
      revision: 5,
      podTemplateHash: hashOf(IMAGE),
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
    const result = await deployImage(new KubectlTarget(kubectl), plan());
    expect(result).toMatchObject({
      changed: false,
      revision: 7,
      previousRevision: 7,
      podTemplateHash: hashOf(IMAGE),
    });
    expect(kubectl.calls.every((call) => call.args[0] === 'get')).toBe(true);
  });

  it('names the containers the Deployment has when one asked for is missing', async () => {
    const kubectl = cluster(deployment(1, 'x:1'));
    await expect(
      deployImage(new KubectlTarget(kubectl), plan({ images: { worker: IMAGE } })),
    ).rejects.toThrow(
      "Invalid input 'containers': the Deployment dev/api has no container 'worker'. Expected some of: api.",
    );
  });

  it('asks for an overlay when the Deployment is missing', async () => {
    await expect(deployImage(new KubectlTarget(cluster(undefined)), plan())).rejects.toThrow(
      /does not exist\. Set the input 'overlay'/,
    );
  });

  it('applies the rendered overlay on stdin when the Deployment is missing', async () => {
    const kubectl = cluster(undefined);
    const result = await deployImage(
      new KubectlTarget(kubectl),
      plan({ bootstrap: async () => 'kind: Deployment\n' }),
    );
    expect(result).toEqual({
      previousImage: '',
      previousRevision: 0,
      revision: 1,
      podTemplateHash: hashOf(IMAGE),
      bootstrapped: true,
      changed: true,
    });
    const apply = kubectl.calls.find((call) => call.args[0] === 'apply');
    expect(apply?.args).toEqual(['apply', '-f', '-']);
    expect((apply?.options as { stdin?: string } | undefined)?.stdin).toBe('kind: Deployment\n');
  });

  it('fails with a clear message when no new revision appears in time', async () => {
    const stuck = new FakeKubectl(({ args }) => {
      if (args[1] === 'replicasets') return { stdout: JSON.stringify({ items: [] }) };
      return args[0] === 'get' ? { stdout: JSON.stringify(deployment(2, 'x:1')) } : {};
    });
    await expect(deployImage(new KubectlTarget(stuck), plan({ revisionTimeoutMs: 20 }))).rejects.toThrow(
      /got no new revision within 20 ms/,
    );
  });

  it('reports its own revision when another deploy set another image meanwhile', async () => {
    const kubectl = cluster(deployment(4, 'registry.example/api:old'));
    const run = kubectl.run.bind(kubectl);
    // Right after this deploy's annotate, another deploy sets its own image (revision 6).
    kubectl.run = async (args, options) => {
      const result = await run(args, options);
      if (args[0] === 'annotate')
        await run(['set', 'image', 'deployment/api', 'api=registry.example/api:theirs']);
      return result;
    };
    const result = await deployImage(new KubectlTarget(kubectl), plan());
    expect(result).toMatchObject({ revision: 5, podTemplateHash: hashOf(IMAGE) });
  });
});
