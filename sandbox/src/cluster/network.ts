import { existsSync } from 'node:fs';
import { run } from '../exec.js';

/**
 * The pod network: one bridge on this machine, with the node's address as its gateway. Nothing is routed
 * off the machine (no masquerade, no default route through it): pods and the host talk to each other only.
 */
export const podNetwork = {
  bridge: 'k8sship0',
  nodeIp: '10.200.0.1',
  subnet: '10.200.0.0/24',
  prefixLength: 24,
  rangeStart: '10.200.0.10',
  rangeEnd: '10.200.0.250',
} as const;

/** Cluster IPs are virtual: only the API server allocates them; nothing is routed to this range. */
export const serviceNetwork = { cidr: '10.96.0.0/16', apiServiceIp: '10.96.0.1' } as const;

function bridgeExists(): boolean {
  return existsSync(`/sys/class/net/${podNetwork.bridge}`);
}

/** Creates the bridge with the node's address, once: the kubelet needs that address before any pod. */
export async function bridgeUp(): Promise<void> {
  if (!bridgeExists()) await run('ip', ['link', 'add', podNetwork.bridge, 'type', 'bridge']);
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show', 'dev', podNetwork.bridge]);
  if (!stdout.includes(`${podNetwork.nodeIp}/`)) {
    await run('ip', [
      'addr',
      'add',
      `${podNetwork.nodeIp}/${podNetwork.prefixLength}`,
      'dev',
      podNetwork.bridge,
    ]);
  }
  await run('ip', ['link', 'set', podNetwork.bridge, 'up']);
}

/** Removes the bridge (and with it its address and any veth still attached). */
export async function bridgeDown(): Promise<void> {
  if (bridgeExists()) await run('ip', ['link', 'del', podNetwork.bridge]);
}

/** The CNI config list: bridge + host-local addresses, no masquerade (containerd sets up `lo` itself). */
export function cniConfig(ipamDataDir: string): string {
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'k8s-ship-sandbox',
      plugins: [
        {
          type: 'bridge',
          bridge: podNetwork.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: ipamDataDir,
            ranges: [
              [
                {
                  subnet: podNetwork.subnet,
                  rangeStart: podNetwork.rangeStart,
                  rangeEnd: podNetwork.rangeEnd,
                  gateway: podNetwork.nodeIp,
                },
              ],
            ],
          },
        },
      ],
    },
    null,
    2,
  )}\n`;
}

/** The chains the kubelet makes in every table (its canary, the localnet firewall, the backend hint). */
const kubeletChains = ['KUBE-FIREWALL', 'KUBE-KUBELET-CANARY', 'KUBE-IPTABLES-HINT'];

/**
 * Removes the kubelet's iptables chains and the jumps to them, in IPv4 and IPv6: the kubelet makes them at
 * start and never removes them, and `down` leaves no rule behind.
 */
export async function removeKubeletChains(): Promise<void> {
  for (const command of ['iptables', 'ip6tables']) {
    for (const table of ['filter', 'nat', 'mangle']) {
      let rules: string;
      try {
        rules = (await run(command, ['-w', '-t', table, '-S'])).stdout;
      } catch {
        continue; // no such table on this kernel
      }
      for (const line of rules.split('\n')) {
        const jump = /^-A (\S+) -j (\S+)$/.exec(line);
        if (jump?.[1] && jump[2] && kubeletChains.includes(jump[2]) && !kubeletChains.includes(jump[1])) {
          await run(command, ['-w', '-t', table, '-D', jump[1], '-j', jump[2]]);
        }
      }
      for (const chain of kubeletChains) {
        if (!rules.includes(`-N ${chain}\n`)) continue;
        await run(command, ['-w', '-t', table, '-F', chain]);
        await run(command, ['-w', '-t', table, '-X', chain]);
      }
    }
  }
}
