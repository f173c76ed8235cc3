import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterProcesses } from '../src/cluster/cluster.js';
import { mountsBelow } from '../src/cluster/mounts.js';
import { podNetwork } from '../src/cluster/network.js';
import { isAlive, run } from '../src/exec.js';
import { portAnswers } from '../src/ports.js';
import { sandboxDown } from '../src/sandbox.js';
import { type OwnClusterRecord, readState } from '../src/state.js';
import { useSandbox } from '../src/testing.js';
import { clusterClient, eventually } from './cluster-client.js';

/*
 * Stopping the cluster leaves nothing of it on the machine (process, port, mount, interface, iptables
 * rule), and starting it again brings back what was deployed, as a node's reboot does.
 */

const namespace = `lifecycle-itg-${process.pid}`;

function ownCluster(): OwnClusterRecord {
  const record = readState().kube;
  if (record?.external !== false) throw new Error('these tests need the sandbox-built cluster');
  return record;
}

/** Every TCP port the cluster listened on, with the address it listened on. */
function listeners(record: OwnClusterRecord): [string, number][] {
  const { ports } = record;
  return [
    ['127.0.0.1', ports.etcdClient],
    ['127.0.0.1', ports.etcdPeer],
    ['127.0.0.1', ports.apiServer],
    ['127.0.0.1', ports.controllerManager],
    ['127.0.0.1', ports.scheduler],
    ['127.0.0.1', ports.kubeletHealthz],
    ['127.0.0.1', record.proxy.port],
    [podNetwork.nodeIp, ports.kubelet],
    [podNetwork.nodeIp, ports.metricsServer],
  ];
}

async function iptablesRules(): Promise<string> {
  const v4 = await run('iptables-save', []);
  const v6 = await run('ip6tables-save', []);
  return `${v4.stdout}${v6.stdout}`;
}

describe('the sandbox cluster, stopped and started again', () => {
  it('stops without leaving a process, port, mount, interface or iptables rule, and comes back with its workloads', async () => {
    const { kube } = await useSandbox(['registry', 'kube']);
    const client = clusterClient(kube.kubeconfig);
    await client.kubectl(['create', 'namespace', namespace]);
    await client.kubectl(['--namespace', namespace, 'create', 'configmap', 'kept', '--from-literal=a=1']);
    const record = ownCluster();
    const pids = clusterProcesses.map((name) => record.pids[name]).filter((pid) => pid !== undefined);
    expect(pids).toHaveLength(clusterProcesses.length);
    expect(mountsBelow(record.dir).length).toBeGreaterThan(0); // the running pods' volumes and root filesystems
    expect(await iptablesRules()).toContain('KUBE-FIREWALL');

    await sandboxDown({ components: ['kube'] });

    for (const pid of [...pids, record.proxy.pid]) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    for (const [, port] of listeners(record)) expect(await portAnswers(port), `port ${port}`).toBe(false);
    expect(mountsBelow(record.dir)).toEqual([]);
    expect(existsSync(`/sys/class/net/${podNetwork.bridge}`)).toBe(false);
    expect(await iptablesRules()).not.toMatch(/KUBE-/);
    const shims = (await run('ps', ['-eo', 'args'])).stdout
      .split('\n')
      .filter((line) => line.includes(record.dir));
    expect(shims).toEqual([]);
    expect(readState().kube).toBeUndefined();

    await useSandbox(['kube']);
    const again = ownCluster();
    expect(again.ports.apiServer).toBe(record.ports.apiServer); // the same URL: kubeconfigs keep working
    expect(readFileSync(again.kubeconfig, 'utf8')).toBe(readFileSync(record.kubeconfig, 'utf8'));
    const kept = await client.json(['--namespace', namespace, 'get', 'configmap', 'kept']);
    expect(kept.data).toEqual({ a: '1' });
    await eventually(
      'the pods that ran before to run again',
      async () => (await client.json(['get', 'pods', '--all-namespaces'])).items,
      (pods: { status: { phase: string } }[]) => pods.every((pod) => pod.status.phase !== 'Pending'),
      120_000,
    );
    await client.kubectl(['delete', 'namespace', namespace, '--timeout=120s']);
  }, 600_000);
});
