import { describe, expect, it } from 'vitest';
import { deployKeyOptions, sshdConfig } from '../src/ssh-host.js';

const input = {
  port: 2222,
  prometheusPort: 9091,
  hostKey: '/state/ssh/host_ed25519_key',
  pidFile: '/state/ssh/sshd.pid',
  authorizedKeysFile: '/home/deploy/.ssh/authorized_keys.x',
  user: 'k8s-ship-deploy',
  kubeconfig: '/state/kubeconfig',
  kubectlDir: '/cache/kubectl-bin',
};

describe('the SSH host forwards to Prometheus only', () => {
  it('permits local forwards to 127.0.0.1:<Prometheus port> and no remote ones', () => {
    const lines = sshdConfig(input).split('\n');
    expect(lines).toContain('AllowTcpForwarding local');
    expect(lines).toContain('PermitOpen 127.0.0.1:9091');
    expect(lines).toContain('PermitListen none');
    expect(lines).toContain('AllowStreamLocalForwarding no');
    expect(lines.filter((line) => line.startsWith('PermitOpen'))).toHaveLength(1);
  });

  it('gives the deploy key forwarding back after restrict, to the same address alone', () => {
    expect(deployKeyOptions(9091)).toBe('restrict,port-forwarding,permitopen="127.0.0.1:9091"');
  });
});
