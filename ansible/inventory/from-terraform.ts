import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { inventoryFromTerraform, type TerraformOutputs } from './terraform-inventory.js';

// Usage: terraform -chdir=infra/platform output -json | npx tsx ansible/inventory/from-terraform.ts \
//          [--ssh-user ubuntu] [--flavour k3s|kubeadm] [--out ansible/inventory/prod.yml] [outputs.json]
const usage =
  'usage: from-terraform.ts [--ssh-user USER] [--flavour k3s|kubeadm] [--out FILE] [OUTPUTS_JSON | -]';

function main(): void {
  const { values, positionals } = parseArgs({
    options: {
      'ssh-user': { type: 'string', default: 'ubuntu' },
      flavour: { type: 'string', default: 'k3s' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const flavour = values.flavour;
  if (flavour !== 'k3s' && flavour !== 'kubeadm') {
    throw new Error(`--flavour is '${flavour}'; expected k3s or kubeadm.`);
  }
  if (positionals.length > 1)
    throw new Error(`expected at most one outputs file, got ${positionals.length}. ${usage}`);
  const source = positionals[0] ?? '-';
  const text = readFileSync(source === '-' ? 0 : source, 'utf8');
  let outputs: TerraformOutputs;
  try {
    outputs = JSON.parse(text) as TerraformOutputs;
  } catch (error) {
    throw new Error(
      `${source === '-' ? 'stdin' : source} is not JSON (expected \`terraform output -json\`): ${String(error)}`,
    );
  }
  const inventory = inventoryFromTerraform(outputs, {
    sshUser: values['ssh-user']!,
    kubernetesFlavour: flavour,
  });
  const yaml = `---\n# Generated from Terraform outputs by ansible/inventory/from-terraform.ts: do not edit.\n${stringify(inventory)}`;
  if (values.out) writeFileSync(values.out, yaml);
  else process.stdout.write(yaml);
}

try {
  main();
} catch (error) {
  console.error(`from-terraform: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
