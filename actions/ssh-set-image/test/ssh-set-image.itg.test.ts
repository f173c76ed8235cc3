import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  type EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { OVERLAYS } from '../../../k8s/src/paths.js';
import { repoRoot } from '../../../runner/src/paths.js';
import { runBundledAction, type StepRun } from '../../../runner/src/run-bundle.js';
import { useSandbox } from '../../../sandbox/src/testing.js';
import { AwsFaultProxy } from '../../../test/aws/fault-proxy.js';
import { createMotoNode, ingressRules, type MotoNode } from '../../../test/aws/moto-ec2.js';
import { awsEnvironment, MOTO_REGION, useMoto } from '../../../test/aws/use-moto.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  deploymentImages,
  deploymentRevision,
  type KubectlClient,
  type KubectlRunOptions,
  localKubectl,
} from '../../lib/src/kubectl/index.js';
import { createEc2Client } from '../../lib/src/ssh/ec2-sdk.js';
import { KubectlTarget } from '../../lib/src/target/index.js';
import { removeNamespace } from '../../lib/test/kubectl/namespaces.js';
import { renderBootstrapManifests } from '../src/bootstrap.js';
import { rolloutHistory } from './rollout-history.js';

// The bundled action (Node 24, through the runner harness) against the sandbox: real sshd with its pinned
// host key, real kubectl on the SSH host, the sandbox's Kubernetes cluster. Over SSH the action has the
// deploy user's rights only (ansible/roles/deploy_user's RBAC); the test reads and cleans up as the admin.
// The first deploy renders the repo's own dev overlay; later tests change the image of what it created.
// The images point at a port where nothing listens: the pods never start, which is not what is tested.
// The temporary-ingress tests find the node in moto (an instance at the SSH host's address, with a
// security group of its own), through the recording proxy in test/aws; the rules are read back from moto.
const actionDir = join(repoRoot, 'actions', 'ssh-set-image');
const namespace = 'ssh-set-image-itg';
const image = (n: number) => `127.0.0.1:1/metrics-api@sha256:${String(n).repeat(64).slice(0, 64)}`;

let ssh: Awaited<ReturnType<typeof useSandbox<'ssh' | 'kube'>>>['ssh'];
let kubectl: KubectlClient;
const moto = useMoto();
let proxy: AwsFaultProxy;
let ec2: EC2Client;
let node: MotoNode;
let scratch: string;

function connectionInputs(): Record<string, string> {
  return {
    host: ssh.host,
    port: String(ssh.port),
    user: ssh.user,
    'private-key': readFileSync(ssh.privateKeyFile, 'utf8'),
    'host-key': ssh.knownHostsLine,
    'connect-attempts': '1',
  };
}

async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
) {
  return runBundledAction({
    actionDir,
    node: 'node24',
    workspace: repoRoot,
    inputs: { namespace, deployment: 'metrics-api', ...connectionInputs(), ...inputs },
    env,
    timeoutMs,
  });
}

/** The action's AWS calls go to moto through the proxy, which records them. */
function ec2Env(): Record<string, string> {
  return awsEnvironment(proxy.url);
}

function failure(step: StepRun): string {
  expect(step.exitCode).not.toBe(0);
  return step.errors.join('\n');
}

/** `kubectl <args> -o json` as the cluster admin, parsed. */
async function readJson<T>(args: readonly string[], options: KubectlRunOptions = {}): Promise<T> {
  return JSON.parse((await kubectl.run([...args, '-o', 'json'], options)).stdout) as T;
}

/** The pods the ReplicaSet controller created in `target`: none, within 30 s, fails the test. */
async function waitForPods(target: string): Promise<{ spec: { containers: { image: string }[] } }[]> {
  for (let i = 0; i < 60; i++) {
    const pods = await readJson<{ items: { spec: { containers: { image: string }[] } }[] }>([
      'get',
      'pods',
      '--namespace',
      target,
    ]);
    if (pods.items.length > 0) return pods.items;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const events = await kubectl.run(['get', 'events', '--namespace', target]);
  throw new Error(`no pods in ${target} after 30 s; events:\n${events.stdout}`);
}

beforeAll(async () => {
  const sandbox = await useSandbox(['ssh', 'kube']);
  ssh = sandbox.ssh;
  kubectl = localKubectl({ kubeconfigPath: sandbox.kube.kubeconfig });
  await kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=60s']);
  ec2 = await createEc2Client(MOTO_REGION);
  node = await createMotoNode(ec2, { privateIp: ssh.host });
  proxy = await AwsFaultProxy.start(moto.url);
  scratch = mkdtempSync(join(tmpdir(), 'ssh-set-image-itg-'));
});

afterAll(async () => {
  await kubectl?.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  ec2?.destroy();
  await proxy?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('ssh-set-image on the sandbox', () => {
  it('fails clearly when the Deployment is missing and no overlay is given', async () => {
    const { main } = await runAction({ image: image(1) });
    expect(failure(main)).toContain(
      `The Deployment ${namespace}/metrics-api does not exist. Set the input 'overlay'`,
    );
  });

  it('creates namespace and Deployment from the overlay on a first deploy, with the image set', async () => {
    const { main } = await runAction({ image: image(1), overlay: 'k8s/overlays/dev' });
    expect(main.errors).toEqual([]);
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({
      bootstrapped: 'true',
      'previous-image': '',
      'previous-revision': '0',
    });
    const deployment = await new KubectlTarget(kubectl).deployment(namespace, 'metrics-api');
    expect(deploymentImages(deployment!)).toEqual({ 'metrics-api': image(1) });
    expect(main.outputs.revision).toBe(String(deploymentRevision(deployment!)));
    expect(deployment?.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION]).toContain(`deploy ${image(1)}`);
  });

  it('records the running image and revision, sets the new one and annotates the change cause', async () => {
    const before = await new KubectlTarget(kubectl).deployment(namespace, 'metrics-api');
    // The kubeconfig given explicitly, as on a k3s node (/etc/rancher/k3s/k3s.yaml).
    const { main, mainEnv } = await runAction({ image: image(2), kubeconfig: ssh.kubeconfig });
    expect(main.errors).toEqual([]);
    expect(main.outputs['previous-image']).toBe(image(1));
    expect(main.outputs['previous-revision']).toBe(String(deploymentRevision(before!)));
    const after = await new KubectlTarget(kubectl).deployment(namespace, 'metrics-api');
    expect(deploymentImages(after!)).toEqual({ 'metrics-api': image(2) });
    expect(Number(main.outputs.revision)).toBe(deploymentRevision(after!));
    expect(Number(main.outputs.revision)).toBeGreaterThan(deploymentRevision(before!));
    const cause = after?.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '';
    expect(cause).toContain(`commit ${mainEnv.GITHUB_SHA?.slice(0, 12)}`);
    expect(cause).toContain(`by ${mainEnv.GITHUB_ACTOR}`);
    expect(cause).toContain(`run https://github.com/${mainEnv.GITHUB_REPOSITORY}/actions/runs/`);
    expect(main.summary).toContain(image(2));
    // What `kubectl rollout history` shows: the new revision's ReplicaSet carries the change cause.
    const history = await rolloutHistory(kubectl, namespace, 'metrics-api');
    expect(history.at(-1)).toMatchObject({
      revision: Number(main.outputs.revision),
      podTemplateHash: main.outputs['pod-template-hash'],
      images: { 'metrics-api': image(2) },
    });
    expect(main.outputs['pod-template-hash']).toMatch(/^[a-z0-9]{6,}$/);
    expect(history.at(-1)?.changeCause).toBe(cause);
  });

  it('uses the kubeconfig path given, and passes kubectl’s own error back', async () => {
    const { main } = await runAction({ image: image(3), kubeconfig: '/nonexistent/kubeconfig' });
    const message = failure(main);
    expect(message).toContain('kubectl get deployment: error: stat /nonexistent/kubeconfig');
    expect(message).toContain('/nonexistent/kubeconfig');
  });

  it('refuses a host key that is not pinned and names the one it saw, before running anything', async () => {
    const other = `SHA256:${'C'.repeat(43)}`;
    const { main } = await runAction({ image: image(3), 'host-key': other });
    const message = failure(main);
    expect(message).toContain(ssh.hostKeyFingerprint);
    expect(message).toContain('is not pinned');
    const deployment = await new KubectlTarget(kubectl).deployment(namespace, 'metrics-api');
    expect(deploymentImages(deployment!)).toEqual({ 'metrics-api': image(2) });
  });

  it('connects to an unpinned host only with explicit trust on first use, printing the key to pin', async () => {
    const { main } = await runAction({
      image: image(2),
      'host-key': '',
      'insecure-trust-on-first-use': 'true',
    });
    expect(main.errors).toEqual([]);
    expect(main.outputs.changed).toBe('false');
    const warning = main.warnings.find((text) => text.includes('on first use')) ?? '';
    expect(warning).toContain(ssh.hostKeyFingerprint);
    expect(warning).toContain(ssh.knownHostsLine.split(' ').slice(1).join(' '));
  });

  it('says which user the server refused a key for', async () => {
    const keyFile = join(scratch, 'not-authorized');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'not-authorized', '-f', keyFile]);
    const stranger = readFileSync(keyFile, 'utf8');
    const { main } = await runAction({ image: image(3), 'private-key': stranger });
    expect(failure(main)).toContain(`refused the private key for user '${ssh.user}'`);
  });
});

// dev's first deploy is above; the other overlays bring kinds of their own (prod: HPA and PDB), each of
// which the deploy user must be allowed to create.
describe.each(OVERLAYS.filter((overlay) => overlay !== 'dev'))(
  'a first deploy from the %s overlay over SSH',
  (overlay) => {
    // Named as the pipeline names them: a preview's is <prefix>preview-<branch>, which the deploy user's
    // admission policy requires of a namespace labelled as a preview.
    const target = overlay === 'preview' ? 'ssh-set-image-itg-preview-main' : `ssh-set-image-itg-${overlay}`;

    beforeAll(async () => {
      await removeNamespace(kubectl, target);
    });

    afterAll(async () => {
      await kubectl?.run(['delete', 'namespace', target, '--ignore-not-found', '--wait=false']);
    });

    it('creates every object of the overlay with the deploy user’s rights, and the pods are admitted', async () => {
      const { main } = await runAction({
        namespace: target,
        image: image(8),
        overlay: `k8s/overlays/${overlay}`,
      });
      expect(main.errors).toEqual([]);
      expect(main.exitCode).toBe(0);
      expect(main.outputs).toMatchObject({ bootstrapped: 'true', 'previous-revision': '0' });

      const manifests = await renderBootstrapManifests({
        overlayDir: join(repoRoot, 'k8s', 'overlays', overlay),
        namespace: target,
        deployment: 'metrics-api',
        images: { 'metrics-api': image(8) },
      });
      const expected = parseAllDocuments(manifests).map((document) => {
        const object = document.toJS() as { kind: string; metadata: { name: string } };
        return `${object.kind}/${object.metadata.name}`;
      });
      const served = await readJson<{ items: { kind: string; metadata: { name: string } }[] }>(
        ['get', '--filename', '-'],
        { stdin: manifests },
      );
      expect(served.items.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual(
        expected.sort(),
      );
      if (overlay === 'prod') expect(expected).toContain('HorizontalPodAutoscaler/metrics-api');

      const deployment = await new KubectlTarget(kubectl).deployment(target, 'metrics-api');
      expect(deploymentImages(deployment!)).toEqual({ 'metrics-api': image(8) });
      expect(main.outputs.revision).toBe(String(deploymentRevision(deployment!)));
      // The namespace enforces Pod Security `restricted`: the ReplicaSet's pods exist only if it admits them.
      const pods = await waitForPods(target);
      expect(pods.map((pod) => pod.spec.containers[0]?.image)).toContain(image(8));
    });
  },
);

describe('temporary ingress through the bundled main and post steps (EC2 in moto)', () => {
  const ingressInputs = () => ({
    host: '',
    'ec2-instance-id': node.instanceId,
    'ec2-address': 'private-ip',
    'temporary-ingress': 'true',
    'runner-ip': '127.0.0.1',
  });
  const actions = () => proxy.counters.requests;
  const opened = (port: number) => `Opened TCP ${port} in ${node.groupId} to 127.0.0.1/32`;
  const removed = (port: number) =>
    `Removed the temporary rule TCP ${port} from 127.0.0.1/32 in ${node.groupId}`;

  beforeEach(() => {
    proxy.reset();
  });

  afterEach(async () => {
    // Nothing left open in moto, whatever a test did.
    expect(await ingressRules(ec2, node.groupId)).toEqual([]);
  });

  it('removes the rule after a successful deploy', async () => {
    const { main, post } = await runAction({ image: image(4), ...ingressInputs() }, ec2Env());
    expect(main.errors).toEqual([]);
    expect(main.stdout).toContain(`EC2: instance ${node.instanceId} is ${node.instanceId} at ${ssh.host}`);
    expect(actions()).toEqual([
      'DescribeInstances',
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
    // The rule opened is the SSH port to the runner's /32, and the post step revokes it by the id moto gave.
    expect(main.stdout).toContain(opened(ssh.port));
    const saved = JSON.parse(main.state['ssh-temporary-ingress'] ?? '{}') as {
      status?: string;
      rule?: { ruleId?: string };
    };
    expect(saved).toMatchObject({
      status: 'created',
      rule: { groupId: node.groupId, port: ssh.port, cidr: '127.0.0.1/32' },
    });
    expect(saved.rule?.ruleId).toMatch(/^sgr-/);
    expect(post?.stdout).toContain(removed(ssh.port));
    expect(post?.warnings).toEqual([]);
    expect(proxy.counters.answers).toEqual([
      'DescribeInstances 200',
      'AuthorizeSecurityGroupIngress 200',
      'RevokeSecurityGroupIngress 200',
    ]);
    // The key is masked, and neither the state handed to the post step nor the visible log carries it.
    const keyLine = connectionInputs()['private-key']?.split('\n')[1] ?? '';
    expect(main.masks).toContain(keyLine);
    expect(JSON.stringify(main.state)).not.toContain(keyLine);
    expect(main.visibleLog).not.toContain(keyLine);
  });

  it('removes the rule after a failed deploy', async () => {
    const { main, post } = await runAction(
      { image: image(5), deployment: 'no-such-deployment', ...ingressInputs() },
      ec2Env(),
    );
    expect(failure(main)).toContain('no-such-deployment does not exist');
    expect(actions()).toEqual([
      'DescribeInstances',
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
    expect(post?.exitCode).toBe(0);
    expect(post?.stdout).toContain(removed(ssh.port));
  });

  it('removes the rule after the main step is killed mid-connection (cancellation)', async () => {
    // An SSH port that accepts and then says nothing: main hangs in the handshake until the runner kills it.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const { main, post } = await runAction(
        { image: image(6), ...ingressInputs(), port: String(port), 'connect-timeout': '120s' },
        ec2Env(),
        10_000,
      );
      expect(main.signal).toBe('SIGKILL');
      expect(main.stdout).toContain(opened(port));
      expect(actions()).toEqual([
        'DescribeInstances',
        'AuthorizeSecurityGroupIngress',
        'RevokeSecurityGroupIngress',
      ]);
      expect(post?.stdout).toContain(removed(port));
    } finally {
      silent.close();
    }
  });

  it('leaves alone a rule that existed before the run', async () => {
    const rule = {
      GroupId: node.groupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: ssh.port, ToPort: ssh.port, IpRanges: [{ CidrIp: '127.0.0.1/32' }] },
      ],
    };
    await ec2.send(new AuthorizeSecurityGroupIngressCommand(rule));
    try {
      const { main, post } = await runAction({ image: image(7), ...ingressInputs() }, ec2Env());
      expect(main.errors).toEqual([]);
      expect(actions()).toEqual(['DescribeInstances', 'AuthorizeSecurityGroupIngress']);
      expect(proxy.counters.answers).toContain(
        'AuthorizeSecurityGroupIngress 400 InvalidPermission.Duplicate',
      );
      expect(post?.stdout).toContain('was open before this run: left as it was');
      // Still there in moto after the post step: the one rule, as it was before the run.
      const rules = await ingressRules(ec2, node.groupId);
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({ FromPort: ssh.port, ToPort: ssh.port, CidrIpv4: '127.0.0.1/32' });
    } finally {
      await ec2.send(new RevokeSecurityGroupIngressCommand(rule));
    }
  });
});
