import { isIP } from 'node:net';

/**
 * Turns `terraform output -json` of infra/ into an Ansible YAML inventory. The outputs read are:
 * - `control_plane`: { instance_id, public_ip (the Elastic IP), private_ip, name }
 * - `workers`: a list of the same shape (public_ip may be empty: such workers are reached through the
 *   control plane as an SSH jump host)
 * - `ecr_repository_url`: <account>.dkr.ecr.<region>.amazonaws.com/<name>
 */
export interface TerraformOutput {
  value: unknown;
  sensitive?: boolean;
  type?: unknown;
}
export type TerraformOutputs = Record<string, TerraformOutput>;

export interface InventoryOptions {
  /** The SSH user of the nodes' image (Ubuntu's images: `ubuntu`). */
  sshUser: string;
  kubernetesFlavour: 'k3s' | 'kubeadm';
}

export class TerraformOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerraformOutputError';
  }
}

interface Node {
  instanceId: string;
  publicIp: string | undefined;
  privateIp: string;
  name: string;
}

type HostVars = Record<string, string>;

export interface Inventory {
  all: {
    vars: Record<string, string>;
    children: {
      control_plane: { hosts: Record<string, HostVars> };
      workers: { hosts: Record<string, HostVars> };
      cluster: { children: { control_plane: Record<string, never>; workers: Record<string, never> } };
    };
  };
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function outputValue(outputs: TerraformOutputs, name: string): unknown {
  const output = outputs[name];
  if (output === undefined || typeof output !== 'object' || output === null || !('value' in output)) {
    throw new TerraformOutputError(
      `Terraform output '${name}' is missing. Expected \`terraform output -json\` of infra/ (outputs present: ${
        Object.keys(outputs).join(', ') || 'none'
      }).`,
    );
  }
  return output.value;
}

function ipField(
  record: Record<string, unknown>,
  where: string,
  field: string,
  required: boolean,
): string | undefined {
  const value = record[field];
  if (!required && (value === undefined || value === null || value === '')) return undefined;
  if (typeof value !== 'string' || isIP(value) !== 4) {
    throw new TerraformOutputError(
      `Terraform output ${where}.${field} is ${describe(value)}; expected an IPv4 address.`,
    );
  }
  return value;
}

function parseNode(value: unknown, where: string, publicIpRequired: boolean): Node {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TerraformOutputError(
      `Terraform output ${where} is ${describe(value)}; expected an object with instance_id, public_ip, private_ip, name.`,
    );
  }
  const record = value as Record<string, unknown>;
  const instanceId = record.instance_id;
  if (typeof instanceId !== 'string' || !/^i-[0-9a-f]{8,17}$/.test(instanceId)) {
    throw new TerraformOutputError(
      `Terraform output ${where}.instance_id is ${describe(instanceId)}; expected an EC2 instance ID like i-0123456789abcdef0.`,
    );
  }
  const name = typeof record.name === 'string' && record.name !== '' ? record.name : instanceId;
  return {
    instanceId,
    publicIp: ipField(record, where, 'public_ip', publicIpRequired),
    privateIp: ipField(record, where, 'private_ip', true)!,
    name,
  };
}

/** Inventory host names: letters, digits, dots, dashes and underscores only. */
export function hostName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '-');
}

function parseEcrUrl(value: unknown): { registry: string; region: string } {
  const match =
    typeof value === 'string'
      ? /^(\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com)\/[a-z0-9._/-]+$/.exec(value)
      : null;
  if (!match) {
    throw new TerraformOutputError(
      `Terraform output 'ecr_repository_url' is ${describe(value)}; expected <account>.dkr.ecr.<region>.amazonaws.com/<repository>.`,
    );
  }
  return { registry: match[1]!, region: match[2]! };
}

export function inventoryFromTerraform(outputs: TerraformOutputs, options: InventoryOptions): Inventory {
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) {
    throw new TerraformOutputError(
      `Terraform outputs are ${describe(outputs)}; expected the object \`terraform output -json\` prints.`,
    );
  }
  if (!/^[a-z_][a-z0-9_-]*$/.test(options.sshUser)) {
    throw new TerraformOutputError(`SSH user '${options.sshUser}' is not a valid Linux user name.`);
  }
  const controlPlane = parseNode(outputValue(outputs, 'control_plane'), 'control_plane', true);
  const workersValue = outputValue(outputs, 'workers');
  if (!Array.isArray(workersValue)) {
    throw new TerraformOutputError(
      `Terraform output 'workers' is ${describe(workersValue)}; expected a list of nodes.`,
    );
  }
  const workers = workersValue.map((worker, index) => parseNode(worker, `workers[${index}]`, false));
  const ecr = parseEcrUrl(outputValue(outputs, 'ecr_repository_url'));

  const names = new Set<string>();
  const uniqueName = (node: Node): string => {
    const name = hostName(node.name);
    if (names.has(name)) {
      throw new TerraformOutputError(
        `Two nodes are named '${name}'; expected each node's Name tag to be unique.`,
      );
    }
    names.add(name);
    return name;
  };

  const controlPlaneAddress = controlPlane.publicIp!;
  const workerHosts: Record<string, HostVars> = {};
  for (const worker of workers) {
    const vars: HostVars = {
      ansible_host: worker.publicIp ?? worker.privateIp,
      node_private_ip: worker.privateIp,
      instance_id: worker.instanceId,
    };
    // Without a public address, a worker is reached through the control plane (its host key still pinned).
    if (worker.publicIp === undefined) {
      vars.ansible_ssh_common_args = `-o ProxyJump=${options.sshUser}@${controlPlaneAddress}`;
    }
    workerHosts[uniqueName(worker)] = vars;
  }

  return {
    all: {
      vars: {
        ansible_user: options.sshUser,
        kubernetes_flavour: options.kubernetesFlavour,
        cluster_public_address: controlPlaneAddress,
        cluster_api_address: controlPlane.privateIp,
        ecr_registry: ecr.registry,
        aws_region: ecr.region,
      },
      children: {
        control_plane: {
          hosts: {
            [uniqueName(controlPlane)]: {
              ansible_host: controlPlaneAddress,
              node_private_ip: controlPlane.privateIp,
              instance_id: controlPlane.instanceId,
            },
          },
        },
        workers: { hosts: workerHosts },
        cluster: { children: { control_plane: {}, workers: {} } },
      },
    },
  };
}
