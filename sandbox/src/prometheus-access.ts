import { sleep } from './exec.js';

/** kubectl as the cluster's admin, who may apply cluster-wide RBAC. */
export type AdminKubectl = (args: readonly string[], input?: string) => Promise<{ stdout: string }>;

export const prometheusNamespace = 'monitoring';
export const prometheusServiceAccount = 'prometheus';

/**
 * The identity of the sandbox's Prometheus: what kubernetes_sd_configs (role: endpointslice) reads and
 * nothing more. Read-only, and no Secrets or ConfigMaps; a long-lived token in a Secret so that the token
 * file survives restarts of Prometheus, as the deployer's does.
 */
export function prometheusRbacManifest(): string {
  const name = prometheusServiceAccount;
  const namespace = prometheusNamespace;
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: `${name}-token`,
        namespace,
        annotations: { 'kubernetes.io/service-account.name': name },
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'k8s-ship-sandbox-prometheus' },
      rules: [
        { apiGroups: [''], resources: ['services', 'pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'k8s-ship-sandbox-prometheus' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'k8s-ship-sandbox-prometheus',
      },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ];
  return objects.map((object) => JSON.stringify(object)).join('\n---\n');
}

/** Applies Prometheus's RBAC and returns its token once the token controller has issued it. */
export async function applyPrometheusRbac(kubectl: AdminKubectl): Promise<string> {
  await kubectl(
    ['apply', '--server-side', '--field-manager=k8s-ship-sandbox', '--filename=-'],
    prometheusRbacManifest(),
  );
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { stdout } = await kubectl([
      `--namespace=${prometheusNamespace}`,
      'get',
      'secret',
      `${prometheusServiceAccount}-token`,
      '--output=jsonpath={.data.token}',
    ]);
    const token = Buffer.from(stdout.trim(), 'base64').toString('utf8');
    if (token !== '') return token;
    await sleep(200); // the token controller fills it in a moment
  }
  throw new Error(`the token of ${prometheusNamespace}/${prometheusServiceAccount} was never issued`);
}
