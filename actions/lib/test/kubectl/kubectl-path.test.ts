import { describe, expect, it } from 'vitest';
import { checkKubectlPath } from '../../src/kubectl/kubectl-path.js';

describe('checkKubectlPath', () => {
  it.each([
    'kubectl',
    '/usr/local/bin/kubectl',
    '/etc/rancher/k3s/k3s.yaml',
    'kube/config',
    '.kube/config',
    './bin/kubectl-1.32',
  ])('takes %s as it is', (value) => {
    expect(checkKubectlPath('kubeconfig', value)).toBe(value);
  });

  it.each([
    '~/.kube/config',
    '$HOME/.kube/config',
    '../../etc/k3s.yaml',
    '--insecure-skip-tls-verify',
    '/usr/bin/kubectl; rm -rf /',
    '/a b/config',
    '',
  ])('refuses %j, naming the input, the value and what it expects', (value) => {
    expect(() => checkKubectlPath('kubeconfig', value)).toThrow(
      `Invalid input 'kubeconfig': '${value}'. Expected a path where kubectl runs`,
    );
  });

  it('says why a ~ is refused', () => {
    expect(() => checkKubectlPath('kubectl', '~/bin/kubectl')).toThrow(/no shell expands it, so no '~'/);
  });
});
