import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, sleep } from '../exec.js';
import { repoRoot } from '../paths.js';
import type { FileOwner } from '../private-files.js';
import { writePrivateFile } from '../private-files.js';
import type { ClusterBinaries } from './binaries.js';
import { podNetwork } from './network.js';
import { type ClusterPki, kubeconfigText } from './pki.js';

const deployUserRole = join(repoRoot, 'ansible', 'roles', 'deploy_user');

/** kubectl at the cluster's release, as the cluster's admin. */
export function adminKubectl(binaries: ClusterBinaries, adminKubeconfig: string) {
  return (args: readonly string[], input?: string) =>
    run(binaries.main, ['kubectl', `--kubeconfig=${adminKubeconfig}`, ...args], {
      input,
      timeoutMs: 120_000,
    });
}

/** kubectl as someone who may apply cluster-wide RBAC. */
type Kubectl = (args: readonly string[], input?: string) => ReturnType<typeof run>;

function roleDefault(name: string): string {
  const defaults = readFileSync(join(deployUserRole, 'defaults', 'main.yml'), 'utf8');
  const value = new RegExp(`^${name}:\\s*(\\S+)\\s*$`, 'm').exec(defaults)?.[1];
  if (!value) throw new Error(`ansible/roles/deploy_user/defaults/main.yml has no ${name}`);
  return value;
}

/**
 * The deploy user's RBAC exactly as Ansible installs it on a node: the role's own template, rendered with
 * the role's defaults. Only the three variables it uses are filled; anything else left is an error.
 */
export function renderDeployerRbac(): { manifest: string; serviceAccount: string; namespace: string } {
  const serviceAccount = roleDefault('deploy_user_service_account');
  const namespace = roleDefault('deploy_user_namespace');
  const template = readFileSync(join(deployUserRole, 'templates', 'deployer-rbac.yaml.j2'), 'utf8');
  const manifest = template
    .replaceAll('{{ ansible_managed }}', 'Applied by the k8s-ship sandbox')
    .replaceAll('{{ deploy_user_service_account }}', serviceAccount)
    .replaceAll('{{ deploy_user_namespace }}', namespace);
  const left = /\{\{.*?\}\}|\{%.*?%\}/.exec(manifest);
  if (left) throw new Error(`deployer-rbac.yaml.j2 uses ${left[0]}, which the sandbox does not render`);
  return { manifest, serviceAccount, namespace };
}

/** Applies the deployer's RBAC and returns its service account's token, once the token controller issued it. */
export async function applyDeployerRbac(kubectl: Kubectl): Promise<string> {
  const { manifest, serviceAccount, namespace } = renderDeployerRbac();
  await kubectl(['apply', '--server-side', '--field-manager=k8s-ship-sandbox', '--filename=-'], manifest);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { stdout } = await kubectl([
      `--namespace=${namespace}`,
      'get',
      'secret',
      `${serviceAccount}-token`,
      '--output=jsonpath={.data.token}',
    ]);
    const token = Buffer.from(stdout.trim(), 'base64').toString('utf8');
    if (token !== '') return token;
    await sleep(200); // the token controller fills it in a moment
  }
  throw new Error(`the token of ${namespace}/${serviceAccount} was never issued`);
}

/**
 * Applies the deployer's RBAC and writes the deploy user's kubeconfig with its service-account token, as
 * the deploy_user role does: what the SSH host's sessions may do is what that role allows.
 */
export async function installDeployUser(
  kubectl: Kubectl,
  pki: ClusterPki,
  apiServerUrl: string,
  kubeconfigFile: string,
  owner: FileOwner | undefined,
): Promise<void> {
  const token = await applyDeployerRbac(kubectl);
  writePrivateFile(
    kubeconfigFile,
    kubeconfigText(apiServerUrl, readFileSync(pki.crt('ca')), { token }),
    owner,
  );
}

/**
 * metrics-server as an aggregated API (what `kubectl top` and the HPA read): its RBAC, a selector-less
 * Service whose endpoint is the process on the node's address, and the APIService trusting the cluster CA.
 */
export function metricsServerManifest(pki: ClusterPki, port: number): string {
  const objects = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:metrics-server' },
      rules: [
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name: 'system:aggregated-metrics-reader',
        labels: {
          'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
          'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
          'rbac.authorization.k8s.io/aggregate-to-view': 'true',
        },
      },
      rules: [
        { apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    binding('ClusterRoleBinding', 'system:metrics-server', 'ClusterRole', 'system:metrics-server'),
    binding(
      'ClusterRoleBinding',
      'metrics-server:system:auth-delegator',
      'ClusterRole',
      'system:auth-delegator',
    ),
    {
      ...binding(
        'RoleBinding',
        'metrics-server-auth-reader',
        'Role',
        'extension-apiserver-authentication-reader',
      ),
      metadata: { name: 'metrics-server-auth-reader', namespace: 'kube-system' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'metrics-server', namespace: 'kube-system' },
      spec: { ports: [{ name: 'https', port: 443, targetPort: port, protocol: 'TCP' }] },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'metrics-server-node',
        namespace: 'kube-system',
        labels: {
          'kubernetes.io/service-name': 'metrics-server',
          'endpointslice.kubernetes.io/managed-by': 'k8s-ship-sandbox',
        },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: [podNetwork.nodeIp], conditions: { ready: true } }],
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    },
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.k8s.io' },
      spec: {
        service: { name: 'metrics-server', namespace: 'kube-system', port: 443 },
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        caBundle: readFileSync(pki.crt('ca')).toString('base64'),
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
  ];
  return objects.map((object) => JSON.stringify(object)).join('\n---\n');
}

function binding(kind: string, name: string, roleKind: string, role: string): object {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:metrics-server' }],
  };
}

export function metricsServerArgs(pki: ClusterPki, kubeconfig: string, port: number): string[] {
  return [
    `--bind-address=${podNetwork.nodeIp}`,
    `--secure-port=${port}`,
    `--tls-cert-file=${pki.crt('metrics-server-serving')}`,
    `--tls-private-key-file=${pki.key('metrics-server-serving')}`,
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--requestheader-client-ca-file=${pki.crt('front-proxy-ca')}`,
    `--kubelet-certificate-authority=${pki.crt('ca')}`,
    '--kubelet-preferred-address-types=InternalIP',
    '--kubelet-use-node-status-port', // the kubelet serves on the sandbox's own port, not 10250
    '--metric-resolution=15s',
  ];
}
