import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CommandError, run } from '../../sandbox/src/exec.js';
import { useDockerEngine, useSandbox } from '../../sandbox/src/testing.js';
import { type AirgapDir, makeAirgapDir } from './support/airgap.js';
import { failureMessages, type PlaybookRun, runPlaybook } from './support/ansible-run.js';
import { startTargetContainer, type TargetContainer } from './support/target-container.js';

// The k3s and kubeadm roles need a real VM to start a cluster; here they run as far as a container allows:
// check mode, and the air-gap install from local stand-in artefacts whose checksums are really verified.
// The deploy user's RBAC manifest, which the container cannot apply, goes to the sandbox's real cluster.
const token = 'test-only-token-0123456789abcdef0123456789abcdef';

let airgap: AirgapDir;
let varsFile: string;

function writeVars(overrides: Record<string, unknown> = {}): string {
  const path = join(airgap.dir, `vars-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      node_private_ip: '10.20.1.10',
      cluster_public_address: '203.0.113.10',
      k3s_token: token,
      k3s_airgap_dir: airgap.dir,
      k3s_binary_sha256: airgap.sha256('k3s'),
      k3s_airgap_images_sha256: airgap.sha256('k3s-airgap-images-amd64.tar.zst'),
      kubeadm_airgap_dir: airgap.dir,
      kubeadm_addons_airgap_dir: airgap.dir,
      kubeadm_kubeadm_sha256: airgap.sha256('kubeadm'),
      kubeadm_kubelet_sha256: airgap.sha256('kubelet'),
      kubeadm_kubectl_sha256: airgap.sha256('kubectl'),
      kubeadm_cni_plugins_sha256: airgap.sha256('cni-plugins-linux-amd64-v1.6.2.tgz'),
      kubeadm_crictl_sha256: airgap.sha256('crictl-v1.32.0-linux-amd64.tar.gz'),
      kubeadm_flannel_manifest_sha256: airgap.sha256('kube-flannel.yml'),
      ...overrides,
    }),
  );
  return path;
}

function playbook(
  target: TargetContainer,
  file: string,
  vars: string,
  ...extra: string[]
): Promise<PlaybookRun> {
  return runPlaybook(
    ['-i', target.inventory, '--extra-vars', `@${vars}`, ...extra, `test/playbooks/${file}`],
    target.connectionEnv,
  );
}

interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { resources: string[]; verbs: string[] }[];
  roleRef?: unknown;
  subjects?: { kind: string; name: string; namespace: string }[];
}

/**
 * The deployer's RBAC as the role rendered it, against the sandbox's Kubernetes cluster as its admin: the
 * API server accepts it (server-side dry run, so nothing changes), and the cluster enforces exactly these
 * rules on the deploy user of the SSH host (the sandbox renders the same template its own way).
 */
async function checkRbacOnCluster(manifest: string): Promise<void> {
  const { kube } = await useSandbox(['kube']);
  const env = { ...process.env, KUBECONFIG: kube.kubeconfig };
  const kubectl = (args: string[], input?: string) => run('kubectl', args, { env, input, timeoutMs: 60_000 });
  const objects = parseAllDocuments(manifest).map((document) => document.toJS() as RbacObject);
  const role = objects.find((object) => object.kind === 'ClusterRole');
  const binding = objects.find((object) => object.kind === 'ClusterRoleBinding');
  expect(objects.map((object) => object.kind)).toEqual([
    'ServiceAccount',
    'Secret',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'ClusterRole',
    'ClusterRoleBinding',
  ]);
  // delete: namespaces (previews only) and Deployments (canary and green variants only): each limited by
  // its admission policy, shown in sandbox/test/deployer-namespaces.itg.test.ts and deployer-variants.itg.test.ts.
  const deleting = role!.rules!.filter((rule) =>
    rule.verbs.some((verb) => verb === 'delete' || verb === '*'),
  );
  expect(deleting.map((rule) => rule.resources)).toEqual([['namespaces'], ['deployments']]);

  const dryRun = await kubectl(
    ['apply', '--server-side', '--dry-run=server', '--field-manager=k8s-ship-flavours-test', '--filename=-'],
    manifest,
  );
  expect(dryRun.stdout.trim().split('\n')).toHaveLength(objects.length);

  const served = JSON.parse(
    (await kubectl(['get', 'clusterrole', role!.metadata.name, '-o', 'json'])).stdout,
  );
  expect(served.rules).toEqual(role!.rules);
  const servedBinding = JSON.parse(
    (await kubectl(['get', 'clusterrolebinding', binding!.metadata.name, '-o', 'json'])).stdout,
  );
  expect({ roleRef: servedBinding.roleRef, subjects: servedBinding.subjects }).toEqual({
    roleRef: binding!.roleRef,
    subjects: binding!.subjects,
  });

  const subject = binding!.subjects![0]!;
  const user = `system:serviceaccount:${subject.namespace}:${subject.name}`;
  const canI = (verb: string, resource: string) =>
    kubectl(['auth', 'can-i', verb, resource, '--all-namespaces', `--as=${user}`]).then(
      () => true,
      (error: unknown) => {
        if (error instanceof CommandError && error.exitCode === 1) return false;
        throw error;
      },
    );
  expect(await canI('patch', 'deployments.apps')).toBe(true);
  expect(await canI('create', 'namespaces')).toBe(true);
  expect(await canI('delete', 'namespaces')).toBe(true);
  // RBAC grants it; the admission policy narrows it to the variants.
  expect(await canI('delete', 'deployments.apps')).toBe(true);
  expect(await canI('deletecollection', 'deployments.apps')).toBe(false);
  expect(await canI('get', 'secrets')).toBe(false);
  expect(await canI('create', 'clusterrolebindings.rbac.authorization.k8s.io')).toBe(false);
}

beforeAll(() => {
  airgap = makeAirgapDir();
  varsFile = writeVars();
});

afterAll(() => {
  if (airgap) rmSync(airgap.dir, { recursive: true, force: true });
});

describe('k3s_server from air-gap artefacts', () => {
  let target: TargetContainer;

  beforeAll(async () => {
    target = await startTargetContainer(await useDockerEngine(), 'k3s');
  }, 300_000);

  afterAll(async () => {
    await target?.remove();
  });

  it('runs in check mode and changes nothing on the node', async () => {
    const run = await playbook(target, 'k3s-server.yml', varsFile, '--check');
    expect(failureMessages(run.report, 'target')).toEqual([]);
    expect(run.report.stats.target?.changed).toBeGreaterThan(0);
    await expect(target.exec(['test', '-e', '/usr/local/bin/k3s'])).rejects.toThrow();
  });

  it('installs the verified binary, images, config (0600, TLS SAN, token never printed) and unit; a second run changes nothing', async () => {
    const first = await playbook(target, 'k3s-server.yml', varsFile);
    expect(failureMessages(first.report, 'target')).toEqual([]);
    expect(first.exitCode).toBe(0);
    expect(await target.exec(['/usr/local/bin/kubectl', 'version'])).toContain('k3s stand-in');
    expect(
      await target.exec(['sha256sum', '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst']),
    ).toContain(airgap.sha256('k3s-airgap-images-amd64.tar.zst'));
    expect(await target.exec(['stat', '--format', '%a %U', '/etc/rancher/k3s/config.yaml'])).toBe(
      '600 root\n',
    );
    const config = await target.exec(['cat', '/etc/rancher/k3s/config.yaml']);
    expect(config).toMatch(/tls-san:\n- 203\.0\.113\.10\n- 10\.20\.1\.10/);
    expect(config).toContain(`token: ${token}`);
    expect(config).toContain('write-kubeconfig-mode:');
    expect(await target.exec(['cat', '/etc/systemd/system/k3s.service'])).toContain(
      'ExecStart=/usr/local/bin/k3s server',
    );

    const second = await playbook(target, 'k3s-server.yml', varsFile);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(token);
    expect(second.report.stats.target?.changed).toBe(0);
    expect(second.report.stats.target?.failures).toBe(0);
  });

  it('refuses a tampered artefact before copying it, naming the pin', async () => {
    const before = await target.exec(['sha256sum', '/usr/local/bin/k3s']);
    const tamperedDir = makeAirgapDir();
    try {
      appendFileSync(join(tamperedDir.dir, 'k3s'), 'echo tampered\n');
      const vars = writeVars({ k3s_airgap_dir: tamperedDir.dir });
      const run = await playbook(target, 'k3s-server.yml', vars);
      expect(run.exitCode).not.toBe(0);
      const failures = failureMessages(run.report, 'target').join('\n');
      expect(failures).toContain(`has sha256 ${tamperedDir.sha256('k3s')}`);
      expect(failures).toContain(`expected ${airgap.sha256('k3s')} (k3s_binary_sha256)`);
      expect(await target.exec(['sha256sum', '/usr/local/bin/k3s'])).toBe(before);
    } finally {
      rmSync(tamperedDir.dir, { recursive: true, force: true });
    }
  });

  it('refuses an air-gap install without a literal pin', async () => {
    const run = await playbook(
      target,
      'k3s-server.yml',
      writeVars({ k3s_airgap_images_sha256: '' }),
      '--check',
    );
    expect(run.exitCode).not.toBe(0);
    expect(failureMessages(run.report, 'target').join('\n')).toContain(
      "k3s_airgap_images_sha256 is ''; expected the 64 hex",
    );
  });

  it('creates the deploy user with only the pipeline key, restricted, and an RBAC manifest the cluster enforces as narrow', async () => {
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'k8s-ship-test',
      '-f',
      join(airgap.dir, 'deploy'),
    ]);
    const publicKey = readFileSync(join(airgap.dir, 'deploy.pub'), 'utf8').trim();
    const vars = writeVars({ deploy_user_authorized_key: publicKey });
    const first = await playbook(target, 'deploy-user.yml', vars);
    expect(failureMessages(first.report, 'target')).toEqual([]);
    expect(await target.exec(['cat', '/home/k8s-ship-deploy/.ssh/authorized_keys'])).toBe(
      `restrict,port-forwarding,permitopen="127.0.0.1:30090" ${publicKey}\n`,
    );
    const sshd = await target.exec(['cat', '/etc/ssh/sshd_config.d/60-k8s-ship-deploy-user.conf']);
    expect(sshd).toContain('Match User k8s-ship-deploy\n');
    expect(sshd).toMatch(/^ {4}AllowTcpForwarding local\n {4}PermitOpen 127\.0\.0\.1:30090$/m);
    expect(sshd).toMatch(/^ {4}PermitListen none$/m);
    expect(await target.exec(['stat', '--format', '%a %U', '/home/k8s-ship-deploy/.kube'])).toBe(
      '700 k8s-ship-deploy\n',
    );
    expect(await target.exec(['passwd', '--status', 'k8s-ship-deploy'])).toMatch(/^k8s-ship-deploy L /);
    const rbac = await target.exec(['cat', '/etc/kubernetes/addons/k8s-ship-deployer.yaml']);
    expect(rbac).not.toMatch(/resources: \[[^\]]*secrets/);
    expect(rbac).not.toMatch(/verbs: \[[^\]]*\*/);
    await checkRbacOnCluster(rbac);
    const second = await playbook(target, 'deploy-user.yml', vars);
    expect(second.report.stats.target?.changed).toBe(0);

    const bad = await playbook(
      target,
      'deploy-user.yml',
      writeVars({ deploy_user_authorized_key: 'not a key' }),
      '--check',
    );
    expect(bad.exitCode).not.toBe(0);
    expect(failureMessages(bad.report, 'target').join('\n')).toContain(
      "deploy_user_authorized_key is 'not a key'",
    );
  });

  it('refuses a missing or short token without printing it', async () => {
    const run = await playbook(
      target,
      'k3s-server.yml',
      writeVars({ k3s_token: 'short-secret-value' }),
      '--check',
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).not.toContain('short-secret-value');
    expect(run.stdout).toContain('censored');
  });
});

describe('kubeadm_control_plane from air-gap artefacts', () => {
  let target: TargetContainer;

  beforeAll(async () => {
    target = await startTargetContainer(await useDockerEngine(), 'kubeadm');
  }, 300_000);

  afterAll(async () => {
    await target?.remove();
  });

  it('runs in check mode and changes nothing on the node', async () => {
    const run = await playbook(target, 'kubeadm-control-plane.yml', varsFile, '--check');
    expect(failureMessages(run.report, 'target')).toEqual([]);
    expect(run.report.stats.target?.changed).toBeGreaterThan(0);
    await expect(target.exec(['test', '-e', '/usr/local/bin/kubeadm'])).rejects.toThrow();
  });

  it('installs binaries, CNI plugins, crictl, kubelet unit and the init config, then changes nothing', async () => {
    const first = await playbook(target, 'kubeadm-control-plane.yml', varsFile);
    expect(failureMessages(first.report, 'target')).toEqual([]);
    for (const binary of ['kubeadm', 'kubelet', 'kubectl', 'crictl']) {
      expect(await target.exec([`/usr/local/bin/${binary}`])).toContain(`${binary} stand-in`);
    }
    expect(await target.exec(['/opt/cni/bin/bridge'])).toContain('bridge stand-in');
    const config = await target.exec(['cat', '/etc/kubernetes/kubeadm-config.yaml']);
    expect(config).toContain('cgroupDriver: systemd');
    expect(config).toContain('kubernetesVersion: v1.32.5');
    expect(config).toMatch(/certSANs:\n\s+- "203\.0\.113\.10"\n\s+- "10\.20\.1\.10"\n\s+- "127\.0\.0\.1"/);
    expect(config).toContain('podSubnet: 10.244.0.0/16');
    expect(await target.exec(['cat', '/etc/kubernetes/addons/kube-flannel.yml'])).toContain(
      'stand-in for the flannel',
    );

    const second = await playbook(target, 'kubeadm-control-plane.yml', varsFile);
    expect(second.report.stats.target?.changed).toBe(0);
    expect(second.report.stats.target?.failures).toBe(0);
  });

  it('refuses an unpinned flannel manifest, naming the variable', async () => {
    const run = await playbook(
      target,
      'kubeadm-control-plane.yml',
      writeVars({ kubeadm_flannel_manifest_sha256: '' }),
      '--check',
    );
    expect(run.exitCode).not.toBe(0);
    expect(failureMessages(run.report, 'target').join('\n')).toContain(
      "kubeadm_flannel_manifest_sha256 is ''",
    );
  });
});
