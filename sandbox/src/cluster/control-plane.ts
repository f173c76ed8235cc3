import { join } from 'node:path';
import { podNetwork, serviceNetwork } from './network.js';
import type { ClusterPki } from './pki.js';

export interface ControlPlanePorts {
  etcdClient: number;
  etcdPeer: number;
  apiServer: number;
  controllerManager: number;
  scheduler: number;
}

/** etcd on loopback only: one member, its data under the state directory. */
export function etcdArgs(dir: string, ports: ControlPlanePorts): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    '--name=sandbox',
    `--data-dir=${join(dir, 'data')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=sandbox=${peer}`,
    '--listen-metrics-urls=',
    '--log-level=warn',
  ];
}

/**
 * kube-apiserver as kubeadm sets it up, on loopback: RBAC and Node authorization, the default admission
 * plugins (PodSecurity among them) plus NodeRestriction, service-account tokens signed with the sandbox's
 * key, kubelet connections verified against the cluster CA, and the aggregation layer's front proxy for
 * metrics-server (routed to its endpoint: no kube-proxy is needed to reach it).
 */
export function apiServerArgs(pki: ClusterPki, ports: ControlPlanePorts): string[] {
  return [
    '--bind-address=127.0.0.1',
    `--advertise-address=${podNetwork.nodeIp}`,
    `--secure-port=${ports.apiServer}`,
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    `--service-cluster-ip-range=${serviceNetwork.cidr}`,
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    '--allow-privileged=true',
    `--client-ca-file=${pki.crt('ca')}`,
    `--tls-cert-file=${pki.crt('apiserver')}`,
    `--tls-private-key-file=${pki.key('apiserver')}`,
    `--kubelet-client-certificate=${pki.crt('apiserver-kubelet-client')}`,
    `--kubelet-client-key=${pki.key('apiserver-kubelet-client')}`,
    `--kubelet-certificate-authority=${pki.crt('ca')}`,
    '--kubelet-preferred-address-types=InternalIP',
    `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
    `--service-account-key-file=${join(pki.dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(pki.dir, 'sa.key')}`,
    `--requestheader-client-ca-file=${pki.crt('front-proxy-ca')}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    `--proxy-client-cert-file=${pki.crt('front-proxy-client')}`,
    `--proxy-client-key-file=${pki.key('front-proxy-client')}`,
    '--enable-aggregator-routing=true',
    '--profiling=false',
  ];
}

/** Both controllers elect a leader, as on a real control plane, and serve health on loopback only. */
function electedComponentArgs(kubeconfig: string, port: number): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--leader-elect=true',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    '--profiling=false',
  ];
}

export function controllerManagerArgs(
  pki: ClusterPki,
  kubeconfig: string,
  ports: ControlPlanePorts,
): string[] {
  return [
    ...electedComponentArgs(kubeconfig, ports.controllerManager),
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${join(pki.dir, 'sa.key')}`,
    `--root-ca-file=${pki.crt('ca')}`,
    `--cluster-signing-cert-file=${pki.crt('ca')}`,
    `--cluster-signing-key-file=${pki.key('ca')}`,
    `--service-cluster-ip-range=${serviceNetwork.cidr}`,
  ];
}

export function schedulerArgs(kubeconfig: string, ports: ControlPlanePorts): string[] {
  return electedComponentArgs(kubeconfig, ports.scheduler);
}
