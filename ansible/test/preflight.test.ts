import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  type Inventory,
  inventoryFromTerraform,
  type TerraformOutputs,
} from '../inventory/terraform-inventory.js';
import { ansibleDir, failureMessages, type PlaybookRun, runPlaybook } from './support/ansible-run.js';

// site.yml's first play, run for real against inventories from the generator: its tasks (set_fact,
// assert, debug) run on the controller, so a local connection stands in for the nodes.
const fixture = join(ansibleDir, 'test', 'fixtures', 'terraform-outputs.json');
const generator = join(ansibleDir, 'inventory', 'from-terraform.ts');
const tsx = join(ansibleDir, '..', 'node_modules', '.bin', 'tsx');
const controlPlane = 'k8s-ship-prod-control-plane';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'preflight-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An inventory file written by from-terraform.ts itself (the command operators run). */
function generatedInventory(name: string, args: string[]): string {
  const path = join(dir, `${name}.yml`);
  execFileSync(tsx, [generator, ...args, '--out', path, fixture]);
  return path;
}

/** The generator's inventory, edited the way an operator might. */
function editedInventory(name: string, flavour: 'k3s' | 'kubeadm', edit: (inv: Inventory) => void): string {
  const outputs = JSON.parse(readFileSync(fixture, 'utf8')) as TerraformOutputs;
  const inv = inventoryFromTerraform(outputs, { sshUser: 'ubuntu', kubernetesFlavour: flavour });
  edit(inv);
  const path = join(dir, `${name}.yml`);
  writeFileSync(path, stringify(inv));
  return path;
}

function preflight(inventoryPath: string, ...extraVars: string[]): Promise<PlaybookRun> {
  const extra = ['ansible_connection=local', ...extraVars].flatMap((value) => ['-e', value]);
  return runPlaybook(['-i', inventoryPath, ...extra, 'preflight.yml']);
}

function shownFlavour(run: PlaybookRun): string | undefined {
  const task = run.report.plays.flatMap((play) => play.tasks).find((t) => t.task.name === 'Show the flavour');
  return task?.hosts[controlPlane]?.msg;
}

describe('site.yml settles the flavour before it changes anything', () => {
  it('runs preflight.yml as its first play', () => {
    const site = parse(readFileSync(join(ansibleDir, 'site.yml'), 'utf8')) as Record<string, unknown>[];
    expect(site[0]?.['ansible.builtin.import_playbook']).toBe('preflight.yml');
  });

  it("takes the inventory's flavour (from-terraform.ts --flavour kubeadm) over any default", async () => {
    const run = await preflight(generatedInventory('kubeadm', ['--flavour', 'kubeadm']));
    expect(run.exitCode, failureMessages(run.report, controlPlane).join('\n')).toBe(0);
    expect(shownFlavour(run)).toBe(
      "Configuring a kubeadm cluster of 3 nodes (root's kubeconfig on the control plane: /etc/kubernetes/admin.conf)",
    );
  }, 60_000);

  it('falls back to k3s when the inventory does not name a flavour', async () => {
    const path = editedInventory('unset', 'k3s', (inv) => {
      delete (inv.all.vars as Record<string, string | undefined>).kubernetes_flavour;
    });
    const run = await preflight(path);
    expect(run.exitCode, failureMessages(run.report, controlPlane).join('\n')).toBe(0);
    expect(shownFlavour(run)).toMatch(/^Configuring a k3s cluster .*\/etc\/rancher\/k3s\/k3s\.yaml/);
  }, 60_000);

  it("lets -e kubernetes_flavour override the inventory's", async () => {
    const run = await preflight(
      generatedInventory('kubeadm-overridden', ['--flavour', 'kubeadm']),
      'kubernetes_flavour=k3s',
    );
    expect(run.exitCode, failureMessages(run.report, controlPlane).join('\n')).toBe(0);
    expect(shownFlavour(run)).toMatch(/^Configuring a k3s cluster/);
  }, 60_000);

  it.each([
    ['an unknown flavour', (inv: Inventory) => (inv.all.vars.kubernetes_flavour = 'k8s'), /'k8s' \(expected/],
    [
      'nodes of two flavours',
      (inv: Inventory) => {
        const worker = inv.all.children.workers.hosts['k8s-ship-prod-worker-1'];
        if (worker) worker.kubernetes_flavour = 'kubeadm';
      },
      /the same on every node: found k3s, kubeadm/,
    ],
  ])(
    'refuses %s before any change',
    async (name, edit, message) => {
      const run = await preflight(editedInventory(name.replace(/\W+/g, '-'), 'k3s', edit));
      expect(run.exitCode).not.toBe(0);
      expect(failureMessages(run.report, controlPlane).join('\n')).toMatch(message);
    },
    60_000,
  );
});
