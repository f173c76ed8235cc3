import { dataSources, isExpression, nested, resources, stringList, type TfModule, textOf } from './hcl.js';
import { Findings, type PolicyRule } from './rule.js';

const CANONICAL_OWNER_ID = '099720109477';
const NODE_MANAGED_POLICIES = ['AmazonEC2ContainerRegistryReadOnly', 'AmazonSSMManagedInstanceCore'];

function nodes(module: TfModule) {
  return [...resources(module, 'aws_instance'), ...resources(module, 'aws_launch_template')];
}

/** IMDSv2 only (session tokens required) with a small hop limit, on every instance and template. */
export const imdsV2Rule: PolicyRule = {
  name: 'imdsv2-required',
  check(module) {
    const findings = new Findings(this.name);
    for (const node of nodes(module)) {
      findings.saw(node.where);
      const [options] = nested(node.body, 'metadata_options');
      if (!options) {
        findings.fail(node.where, 'needs metadata_options with http_tokens = "required"');
        continue;
      }
      if (options.http_tokens !== 'required') {
        findings.fail(
          node.where,
          `http_tokens must be "required" (IMDSv2), found ${textOf(options.http_tokens)}`,
        );
      }
      const hops = options.http_put_response_hop_limit;
      if (typeof hops !== 'number' || hops < 1 || hops > 2) {
        findings.fail(node.where, `http_put_response_hop_limit must be 1 or 2, found ${textOf(hops)}`);
      }
    }
    return findings.result();
  },
};

/** Root and extra volumes are encrypted gp3. */
export const encryptedVolumesRule: PolicyRule = {
  name: 'encrypted-volumes',
  check(module) {
    const findings = new Findings(this.name);
    for (const instance of resources(module, 'aws_instance')) {
      findings.saw(instance.where);
      const [root] = nested(instance.body, 'root_block_device');
      if (!root) {
        findings.fail(
          instance.where,
          'needs a root_block_device with encrypted = true and volume_type = "gp3"',
        );
      } else {
        if (root.encrypted !== true) findings.fail(instance.where, 'root volume must set encrypted = true');
        if (root.volume_type !== 'gp3') {
          findings.fail(instance.where, `root volume must be gp3, found ${textOf(root.volume_type)}`);
        }
      }
      for (const extra of nested(instance.body, 'ebs_block_device')) {
        if (extra.encrypted !== true)
          findings.fail(instance.where, 'every ebs_block_device must be encrypted');
      }
    }
    for (const volume of resources(module, 'aws_ebs_volume')) {
      findings.saw(volume.where);
      if (volume.body.encrypted !== true) findings.fail(volume.where, 'EBS volume must set encrypted = true');
    }
    return findings.result();
  },
};

/** Images come from Canonical's account, and instances never hard-code an AMI ID. */
export const ubuntuImageRule: PolicyRule = {
  name: 'canonical-ubuntu-image',
  check(module) {
    const findings = new Findings(this.name);
    for (const image of dataSources(module, 'aws_ami')) {
      findings.saw(image.where);
      const owners = stringList(image.body.owners);
      if (owners.length !== 1 || owners[0] !== CANONICAL_OWNER_ID) {
        findings.fail(
          image.where,
          `owners must be exactly ["${CANONICAL_OWNER_ID}"] (Canonical), found ${textOf(owners)}`,
        );
      }
      if (!textOf(nested(image.body, 'filter')).includes('ubuntu')) {
        findings.fail(image.where, 'must filter for an Ubuntu image name');
      }
    }
    for (const instance of resources(module, 'aws_instance')) {
      if (!isExpression(instance.body.ami)) {
        findings.fail(
          instance.where,
          `ami must come from the aws_ami data source, not the literal ${textOf(instance.body.ami)}`,
        );
      }
    }
    return findings.result();
  },
};

/** Nodes run with an instance profile holding exactly ECR read-only and SSM core, and the control plane has an Elastic IP. */
export const nodeIdentityRule: PolicyRule = {
  name: 'node-identity-and-address',
  check(module) {
    const findings = new Findings(this.name);
    const instances = resources(module, 'aws_instance');
    if (instances.length === 0) return findings.result();
    const attachments = textOf(
      resources(module, 'aws_iam_role_policy_attachment').map((block) => block.body),
    );
    for (const policy of NODE_MANAGED_POLICIES) {
      if (!attachments.includes(policy)) findings.fail(module.dir, `node role must attach ${policy}`);
    }
    for (const instance of instances) {
      findings.saw(instance.where);
      if (!isExpression(instance.body.iam_instance_profile)) {
        findings.fail(instance.where, 'needs iam_instance_profile from the node instance profile');
      }
    }
    for (const controlPlane of instances.filter((instance) => instance.name.includes('control_plane'))) {
      const reference = `aws_instance.${controlPlane.name}.id`;
      const addressed = [...resources(module, 'aws_eip'), ...resources(module, 'aws_eip_association')].some(
        (eip) => textOf(eip.body.instance ?? eip.body.instance_id).includes(reference),
      );
      if (!addressed) findings.fail(controlPlane.where, `needs an Elastic IP attached to ${reference}`);
    }
    return findings.result();
  },
};

/** Instance attributes whose change replaces the node, and how each is changed on a running node instead. */
const CHANGED_IN_PLACE: Readonly<Record<string, string>> = {
  ami: 'a newer image is patched in place by Ansible',
  user_data: 'user data only serves the first boot',
  key_name: "a rotated operators' key goes into the nodes' authorized_keys, see docs/operations.md",
};

/** A new image, user data or operators' key must not replace running nodes: each is ignored once created. */
export const nodesKeptOnChangeRule: PolicyRule = {
  name: 'nodes-kept-on-image-and-key-changes',
  check(module) {
    const findings = new Findings(this.name);
    for (const instance of resources(module, 'aws_instance')) {
      findings.saw(instance.where);
      const ignored = nested(instance.body, 'lifecycle').flatMap((lifecycle) =>
        stringList(lifecycle.ignore_changes),
      );
      for (const [attribute, why] of Object.entries(CHANGED_IN_PLACE)) {
        if (!(attribute in instance.body) || ignored.includes(`\${${attribute}}`)) continue;
        findings.fail(
          instance.where,
          `a change of ${attribute} would replace the node; list it in lifecycle.ignore_changes (${why})`,
        );
      }
    }
    return findings.result();
  },
};
