import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  hostName,
  type Inventory,
  inventoryFromTerraform,
  type TerraformOutputs,
} from '../inventory/terraform-inventory.js';
import { ansibleDir } from './support/ansible-run.js';

const fixture = join(ansibleDir, 'test', 'fixtures', 'terraform-outputs.json');
const outputs = (): TerraformOutputs => JSON.parse(readFileSync(fixture, 'utf8')) as TerraformOutputs;
const options = { sshUser: 'ubuntu', kubernetesFlavour: 'k3s' } as const;

describe('inventoryFromTerraform', () => {
  it('puts the control plane behind its Elastic IP and the workers in their own group', () => {
    const inventory = inventoryFromTerraform(outputs(), options);
    expect(inventory.all.children.control_plane.hosts).toEqual({
      'k8s-ship-prod-control-plane': {
        ansible_host: '203.0.113.10',
        node_private_ip: '10.20.1.10',
        instance_id: 'i-0a1b2c3d4e5f60718',
      },
    });
    expect(Object.keys(inventory.all.children.workers.hosts)).toEqual([
      'k8s-ship-prod-worker-1',
      'k8s-ship-prod-worker-2',
    ]);
    expect(inventory.all.children.cluster.children).toEqual({ control_plane: {}, workers: {} });
  });

  it('sets the cluster-wide variables the roles read', () => {
    expect(
      inventoryFromTerraform(outputs(), { sshUser: 'admin', kubernetesFlavour: 'kubeadm' }).all.vars,
    ).toEqual({
      ansible_user: 'admin',
      kubernetes_flavour: 'kubeadm',
      cluster_public_address: '203.0.113.10',
      cluster_api_address: '10.20.1.10',
      ecr_registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      aws_region: 'eu-west-1',
    });
  });

  it('reaches a worker without a public IP through the control plane', () => {
    const workers = inventoryFromTerraform(outputs(), options).all.children.workers.hosts;
    expect(workers['k8s-ship-prod-worker-2']).toEqual({
      ansible_host: '10.20.2.22',
      node_private_ip: '10.20.2.22',
      instance_id: 'i-0c1b2c3d4e5f6071a',
      ansible_ssh_common_args: '-o ProxyJump=ubuntu@203.0.113.10',
    });
    expect(workers['k8s-ship-prod-worker-1']?.ansible_ssh_common_args).toBeUndefined();
  });

  it.each([
    [
      'a missing output',
      (o: TerraformOutputs) => delete o.control_plane,
      /output 'control_plane' is missing/,
    ],
    [
      'a control plane without an Elastic IP',
      (o: TerraformOutputs) => ((o.control_plane!.value as Record<string, unknown>).public_ip = ''),
      /control_plane\.public_ip is "".*IPv4/,
    ],
    [
      'a malformed private IP',
      (o: TerraformOutputs) => ((o.workers!.value as Record<string, unknown>[])[0]!.private_ip = '10.20.1'),
      /workers\[0\]\.private_ip is "10\.20\.1"; expected an IPv4 address/,
    ],
    [
      'workers that are not a list',
      (o: TerraformOutputs) => (o.workers!.value = {}),
      /'workers' is \{\}; expected a list/,
    ],
    [
      'an ECR URL from elsewhere',
      (o: TerraformOutputs) => (o.ecr_repository_url!.value = 'ghcr.io/acme/app'),
      /'ecr_repository_url' is "ghcr.io\/acme\/app"; expected <account>\.dkr\.ecr/,
    ],
    [
      'a bad instance ID',
      (o: TerraformOutputs) => ((o.control_plane!.value as Record<string, unknown>).instance_id = 'vm-1'),
      /control_plane\.instance_id is "vm-1"; expected an EC2 instance ID/,
    ],
    [
      'two nodes with one name',
      (o: TerraformOutputs) =>
        ((o.workers!.value as Record<string, unknown>[])[1]!.name = 'k8s-ship-prod-worker-1'),
      /Two nodes are named 'k8s-ship-prod-worker-1'/,
    ],
  ])('rejects %s with a message naming the output', (_what, spoil, message) => {
    const broken = outputs();
    spoil(broken);
    expect(() => inventoryFromTerraform(broken, options)).toThrow(message);
  });

  it('rejects an SSH user that could smuggle options into ProxyJump', () => {
    expect(() =>
      inventoryFromTerraform(outputs(), { ...options, sshUser: 'ubuntu -oProxyCommand=x' }),
    ).toThrow(/not a valid Linux user name/);
  });

  it('makes inventory-safe host names from Name tags', () => {
    expect(hostName('prod worker/1')).toBe('prod-worker-1');
  });
});

describe('from-terraform.ts (the command)', () => {
  const script = join(ansibleDir, 'inventory', 'from-terraform.ts');
  const tsx = join(ansibleDir, '..', 'node_modules', '.bin', 'tsx');

  it('reads outputs on stdin and prints the inventory', () => {
    const yaml = execFileSync(tsx, [script, '--flavour', 'kubeadm'], {
      input: readFileSync(fixture),
      encoding: 'utf8',
    });
    const inventory = parse(yaml) as Inventory;
    expect(inventory.all.vars.kubernetes_flavour).toBe('kubeadm');
  });

  it('writes an inventory file that ansible-inventory accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inventory-test-'));
    const out = join(dir, 'prod.yml');
    try {
      execFileSync(tsx, [script, '--out', out, fixture]);
      const graph = spawnSync('ansible-inventory', ['-i', out, '--graph'], { encoding: 'utf8' });
      expect(graph.status, graph.stderr).toBe(0);
      expect(graph.stdout).toContain('@control_plane:');
      expect(graph.stdout).toContain('k8s-ship-prod-worker-2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with the reason on input that is not Terraform JSON', () => {
    const result = spawnSync(tsx, [script], { input: 'not json', encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('stdin is not JSON');
  });
});
