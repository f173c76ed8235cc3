import { loopback } from './ports.js';
import type { SandboxState } from './state.js';

/** What clients of the sandbox need to reach it: the output of `status --json` and of `readEndpoints()`. */
export interface SandboxEndpoints {
  stateDir: string;
  docker?: { host: string; startedBySandbox: boolean };
  registry?: { url: string; address: string; username: string; credentialsFile: string };
  kube?: {
    url: string;
    /** The cluster admin's kubeconfig on this machine (the deploy user's is `ssh.kubeconfig`). */
    kubeconfig: string;
    /** The Kubernetes release of the API server and the node. */
    version: string;
    /** True when the cluster is the user's own (`up --kubeconfig`), which the sandbox neither built nor runs. */
    external: boolean;
    /** `kubectl proxy` on loopback: Services are reached through the API server's service proxy. */
    proxyUrl: string;
  };
  prometheus?: {
    url: string;
    /** host:port as seen from the SSH host, where the deploy user may forward to (and nowhere else). */
    address: string;
  };
  ssh?: {
    host: string;
    /** The port clients use: the SSH gate's, whose connections `cutSshSessions()` can drop. */
    port: number;
    user: string;
    privateKeyFile: string;
    knownHostsFile: string;
    knownHostsLine: string;
    hostKeyFingerprint: string;
    /** The kubeconfig path as seen by sessions on the SSH host (KUBECONFIG is set there). */
    kubeconfig: string;
    /** sshd's own port, behind the gate: for tests that must bypass the gate. */
    sshdPort: number;
  };
}

export function endpointsOf(state: SandboxState, stateDir: string): SandboxEndpoints {
  const { docker, registry, kube, prometheus, ssh } = state;
  return {
    stateDir,
    ...(docker && { docker: { host: docker.host, startedBySandbox: docker.pid !== undefined } }),
    ...(registry && {
      registry: {
        url: `http://${loopback}:${registry.port}`,
        address: `${loopback}:${registry.port}`,
        username: registry.username,
        credentialsFile: registry.credentialsFile,
      },
    }),
    ...(kube && {
      kube: {
        url: kube.url,
        kubeconfig: kube.kubeconfig,
        version: kube.version,
        external: kube.external,
        proxyUrl: `http://${loopback}:${kube.proxy.port}`,
      },
    }),
    ...(prometheus && {
      prometheus: {
        url: `http://${loopback}:${prometheus.port}`,
        address: `${loopback}:${prometheus.port}`,
      },
    }),
    ...(ssh && {
      ssh: {
        host: loopback,
        port: ssh.gatePort,
        user: ssh.user,
        privateKeyFile: ssh.privateKeyFile,
        knownHostsFile: ssh.knownHostsFile,
        knownHostsLine: ssh.knownHostsLine,
        hostKeyFingerprint: ssh.hostKeyFingerprint,
        kubeconfig: ssh.kubeconfig,
        sshdPort: ssh.sshdPort,
      },
    }),
  };
}

/** The endpoints as lines for people: one `name: value` per line, grouped by component. */
export function formatEndpoints(endpoints: SandboxEndpoints): string {
  const lines = [`state directory: ${endpoints.stateDir}`];
  const { docker, registry, kube, prometheus, ssh } = endpoints;
  if (docker) {
    lines.push(
      'docker:',
      `  DOCKER_HOST=${docker.host}${docker.startedBySandbox ? '' : ' (engine already running)'}`,
    );
  }
  if (registry) {
    lines.push(
      'registry:',
      `  url: ${registry.url}`,
      `  user: ${registry.username}`,
      `  credentials file: ${registry.credentialsFile}`,
    );
  }
  if (kube) {
    lines.push(
      kube.external ? 'kube (your cluster):' : 'kube (Kubernetes, built from sandbox/cluster):',
      `  version: ${kube.version}`,
      `  url: ${kube.url}`,
      `  KUBECONFIG=${kube.kubeconfig}`,
      `  services through kubectl proxy: ${kube.proxyUrl}/api/v1/namespaces/NAMESPACE/services/NAME:PORT/proxy/`,
    );
  }
  if (prometheus) {
    lines.push(
      'prometheus (k8s/monitoring, discovering pods through the API server):',
      `  url: ${prometheus.url}`,
      `  from the SSH host (forward to): ${prometheus.address}`,
    );
  }
  if (ssh) {
    lines.push(
      'ssh (control-plane node):',
      `  host: ${ssh.host}`,
      `  port: ${ssh.port}`,
      `  user: ${ssh.user}`,
      `  private key: ${ssh.privateKeyFile}`,
      `  known_hosts file: ${ssh.knownHostsFile}`,
      `  known_hosts line: ${ssh.knownHostsLine}`,
      `  host key fingerprint: ${ssh.hostKeyFingerprint}`,
      `  KUBECONFIG there: ${ssh.kubeconfig}`,
    );
  }
  if (!docker && !registry && !kube && !prometheus && !ssh) lines.push('nothing is running');
  return `${lines.join('\n')}\n`;
}
