import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDockerEngine } from '../../sandbox/src/testing.js';
import { failureMessages, type PlaybookRun, runPlaybook, taskOutcomes } from './support/ansible-run.js';
import { startTargetContainer, type TargetContainer } from './support/target-container.js';

// os_prep and containerd against a real Debian bookworm container: the first run installs and writes
// everything, the second must change nothing. What a container cannot do (modprobe, live sysctls, services)
// must show up as skipped, never as done.
describe('converging os_prep and containerd on a Debian container', () => {
  let target: TargetContainer;
  let first: PlaybookRun;
  let second: PlaybookRun;

  beforeAll(async () => {
    const engine = await useDockerEngine();
    target = await startTargetContainer(engine, 'converge');
    // A swap line as a cloud image might carry, so that persisting "swap off" has something to do.
    await target.exec(['sh', '-c', 'echo "/swapfile none swap sw 0 0" >> /etc/fstab']);
    first = await runPlaybook(['-i', target.inventory, 'test/playbooks/converge.yml'], target.connectionEnv);
    second = await runPlaybook(['-i', target.inventory, 'test/playbooks/converge.yml'], target.connectionEnv);
  }, 300_000);

  afterAll(async () => {
    await target?.remove();
  });

  it('the first run succeeds and changes the node', () => {
    expect(failureMessages(first.report, 'target'), first.stderr).toEqual([]);
    expect(first.exitCode).toBe(0);
    expect(first.report.stats.target?.changed).toBeGreaterThan(5);
  });

  it('the second run reports changed=0', () => {
    expect(second.exitCode).toBe(0);
    const changedTasks = [...taskOutcomes(second.report, 'target')].filter(
      ([, outcome]) => outcome === 'changed',
    );
    expect(changedTasks).toEqual([]);
    expect(second.report.stats.target?.changed).toBe(0);
    expect(second.report.stats.target?.failures).toBe(0);
  });

  it('skips only the live steps a container cannot take', () => {
    const outcomes = taskOutcomes(first.report, 'target');
    for (const live of ['Load the kernel modules now', 'Keep time synchronised', 'Run containerd']) {
      expect(outcomes.get(findTask(outcomes, live)), live).toBe('skipped');
    }
    expect(outcomes.get(findTask(outcomes, 'Persist the kernel modules'))).toBe('changed');
    expect(outcomes.get(findTask(outcomes, 'Persist the sysctls'))).toBe('changed');
  });

  it('persists swap off in fstab', async () => {
    const fstab = await target.exec(['cat', '/etc/fstab']);
    expect(fstab).toContain('# /swapfile none swap sw 0 0');
    expect(fstab).not.toMatch(/^\/swapfile/m);
  });

  it('persists the kernel modules and sysctls', async () => {
    expect(await target.exec(['cat', '/etc/modules-load.d/k8s-ship.conf'])).toMatch(
      /^overlay\nbr_netfilter$/m,
    );
    const sysctls = await target.exec(['cat', '/etc/sysctl.d/90-k8s-ship.conf']);
    expect(sysctls).toContain('net.ipv4.ip_forward = 1');
    expect(sysctls).toContain('net.bridge.bridge-nf-call-iptables = 1');
  });

  it('installs time sync and unattended upgrades, keeping cluster packages out of them', async () => {
    expect(await target.exec(['dpkg', '--status', 'chrony'])).toMatch(/^Status: install ok installed$/m);
    expect(await target.exec(['dpkg', '--status', 'unattended-upgrades'])).toMatch(
      /^Status: install ok installed$/m,
    );
    expect(await target.exec(['cat', '/etc/chrony/sources.d/k8s-ship.sources'])).toContain(
      'server 169.254.169.123',
    );
    const blacklist = await target.exec(['cat', '/etc/apt/apt.conf.d/52k8s-ship-unattended-upgrades']);
    expect(blacklist).toContain('"kubelet";');
    expect(blacklist).toContain('Automatic-Reboot "false"');
  });

  it('configures containerd with systemd cgroups, as containerd itself reads the file', async () => {
    const dump = await target.exec([
      'containerd',
      '--config',
      '/etc/containerd/config.toml',
      'config',
      'dump',
    ]);
    expect(dump).toMatch(/SystemdCgroup = true/);
    expect(dump).toContain('sandbox_image = "registry.k8s.io/pause:3.10"');
    expect(await target.exec(['dpkg', '--status', 'containerd'])).toMatch(/^Status: hold ok installed$/m);
  });
});

function findTask(outcomes: Map<string, string>, prefix: string): string {
  const name = [...outcomes.keys()].find((key) => key.includes(prefix));
  if (!name) throw new Error(`no task named like '${prefix}' ran; tasks: ${[...outcomes.keys()].join(', ')}`);
  return name;
}
