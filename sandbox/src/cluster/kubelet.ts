import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../private-files.js';
import { type ClusterBinaries, credentialProviderName } from './binaries.js';
import type { ContainerdPaths } from './containerd.js';
import { podNetwork } from './network.js';
import type { ClusterPki } from './pki.js';

export interface KubeletSettings {
  binaries: ClusterBinaries;
  pki: ClusterPki;
  containerd: ContainerdPaths;
  dir: string;
  nodeName: string;
  port: number;
  healthzPort: number;
  registryAddress: string;
  registryCredentialsFile: string;
}

/**
 * The kubelet's configuration for these machines: cgroup v1 without systemd (cgroupfs, and the v1 opt-in
 * that kubelets from 1.35 need), no swap check, serving on the node's bridge address with the cluster
 * CA's certificate, webhook authentication and authorization (the API server decides who may read logs
 * or exec). Image garbage collection only on a full disk: containerd 1.6 does not pin the pause image.
 */
function kubeletConfig(settings: KubeletSettings): object {
  const { pki, containerd } = settings;
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: podNetwork.nodeIp,
    port: settings.port,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: settings.healthzPort,
    tlsCertFile: pki.crt('kubelet-serving'),
    tlsPrivateKeyFile: pki.key('kubelet-serving'),
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: pki.crt('ca') },
    },
    authorization: { mode: 'Webhook' },
    cgroupDriver: 'cgroupfs',
    failCgroupV1: false,
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${containerd.socket}`,
    podLogsDir: join(settings.dir, 'pod-logs'),
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    clusterDomain: 'cluster.local',
    resolvConf: '/etc/resolv.conf',
    serializeImagePulls: false,
    shutdownGracePeriod: '0s', // graceful node shutdown needs systemd's inhibitor locks
    nodeStatusUpdateFrequency: '10s',
  };
}

function credentialProviderConfig(settings: KubeletSettings): object {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1',
    kind: 'CredentialProviderConfig',
    providers: [
      {
        name: credentialProviderName,
        apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
        matchImages: [settings.registryAddress],
        defaultCacheDuration: '1h',
        env: [{ name: 'SANDBOX_REGISTRY_CREDENTIALS', value: settings.registryCredentialsFile }],
      },
    ],
  };
}

/** Writes the kubelet's files and returns its command line (after `k8s-sandbox kubelet`). */
export function prepareKubelet(settings: KubeletSettings, apiServerUrl: string): string[] {
  const { dir, pki, nodeName } = settings;
  mkdirSync(join(dir, 'root'), { recursive: true });
  mkdirSync(join(dir, 'pod-logs'), { recursive: true });
  const config = join(dir, 'config.json');
  const providers = join(dir, 'credential-providers.json');
  const kubeconfig = join(dir, 'kubeconfig');
  writePrivateFile(config, `${JSON.stringify(kubeletConfig(settings), null, 2)}\n`);
  writePrivateFile(providers, `${JSON.stringify(credentialProviderConfig(settings), null, 2)}\n`);
  pki.writeKubeconfig(kubeconfig, apiServerUrl, 'kubelet');
  return [
    `--config=${config}`,
    `--kubeconfig=${kubeconfig}`,
    `--root-dir=${join(dir, 'root')}`,
    `--hostname-override=${nodeName}`,
    `--node-ip=${podNetwork.nodeIp}`,
    `--image-credential-provider-config=${providers}`,
    `--image-credential-provider-bin-dir=${settings.binaries.credentialProviderDir}`,
  ];
}
