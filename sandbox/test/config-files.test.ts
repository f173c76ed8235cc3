import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatEndpoints, type SandboxEndpoints } from '../src/endpoints.js';
import { kubeconfigFor } from '../src/kubeconfig.js';
import { parseComponents } from '../src/sandbox.js';
import { knownHostsLine } from '../src/ssh-keys.js';

describe('knownHostsLine', () => {
  it('names a non-standard port in brackets, as ssh looks it up', () => {
    expect(knownHostsLine('127.0.0.1', 2222, 'ssh-ed25519 AAAAkey comment')).toBe(
      '[127.0.0.1]:2222 ssh-ed25519 AAAAkey',
    );
  });

  it('uses the bare host for port 22', () => {
    expect(knownHostsLine('127.0.0.1', 22, 'ssh-ed25519 AAAAkey')).toBe('127.0.0.1 ssh-ed25519 AAAAkey');
  });

  it('rejects text that is not a public key, quoting it', () => {
    expect(() => knownHostsLine('127.0.0.1', 22, 'garbage')).toThrow("not an OpenSSH public key: 'garbage'");
  });
});

describe('kubeconfigFor', () => {
  it('points its current context at the server with no credentials', () => {
    const config = parse(kubeconfigFor('http://127.0.0.1:6443'));
    const context = config.contexts.find((c: { name: string }) => c.name === config['current-context']);
    const cluster = config.clusters.find((c: { name: string }) => c.name === context.context.cluster);
    expect(cluster.cluster.server).toBe('http://127.0.0.1:6443');
    expect(context.context.namespace).toBe('default');
    expect(config.users[0].user).toEqual({});
  });
});

describe('parseComponents', () => {
  it('accepts the known components', () => {
    expect(parseComponents(['ssh', 'registry'])).toEqual(['ssh', 'registry']);
  });

  it('names an unknown component and the ones expected', () => {
    expect(() => parseComponents(['registry', 'etcd'])).toThrow(
      "unknown sandbox component 'etcd': expected one of docker, registry, kube, prometheus, ssh",
    );
  });
});

describe('formatEndpoints', () => {
  const endpoints: SandboxEndpoints = {
    stateDir: '/state',
    registry: {
      url: 'http://127.0.0.1:5000',
      address: '127.0.0.1:5000',
      username: 'u',
      credentialsFile: '/c',
    },
    kube: {
      url: 'https://127.0.0.1:6443',
      kubeconfig: '/k',
      version: 'v1.36.3',
      external: false,
      proxyUrl: 'http://127.0.0.1:8001',
    },
  };

  it('prints each endpoint, and which Kubernetes runs', () => {
    const text = formatEndpoints(endpoints);
    expect(text).toContain('  url: http://127.0.0.1:5000\n');
    expect(text).toContain('  credentials file: /c\n');
    expect(text).toContain('kube (Kubernetes, built from sandbox/cluster):\n  version: v1.36.3\n');
    expect(text).toContain('http://127.0.0.1:8001/api/v1/namespaces/NAMESPACE/services/NAME:PORT/proxy/');
  });

  it('names a cluster the user brought as theirs', () => {
    const text = formatEndpoints({ ...endpoints, kube: { ...endpoints.kube!, external: true } });
    expect(text).toContain('kube (your cluster):');
  });

  it('says when nothing runs', () => {
    expect(formatEndpoints({ stateDir: '/state' })).toContain('nothing is running');
  });
});
