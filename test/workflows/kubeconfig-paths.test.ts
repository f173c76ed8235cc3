import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../runner/src/paths.js';
import { yamlBlocks } from './doc-examples.js';
import { repositoryActionsFiles } from './workflow-files.js';

/**
 * Kubeconfigs only root can read (0600 on k3s and kubeadm). The pipeline logs in as the deploy user
 * (ansible/'s `k8s-ship-deploy`), whose own ~/.kube/config is kubectl's default: a workflow or an example
 * that points kubeconfig at one of these fails on every real node.
 */
const ROOT_ONLY = ['/etc/rancher/k3s/k3s.yaml', '/etc/kubernetes/admin.conf'];
const KEY = /^kubeconfig$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `kubeconfig:` (or `KUBECONFIG:` in an env) in a YAML document that names a root-only file. */
function rootOnlyKubeconfigs(node: unknown, where: string): string[] {
  if (Array.isArray(node))
    return node.flatMap((item, index) => rootOnlyKubeconfigs(item, `${where}[${index}]`));
  if (!isRecord(node)) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const path = `${where}.${key}`;
    if (KEY.test(key) && typeof value === 'string' && ROOT_ONLY.some((file) => value.includes(file)))
      return [`${path}: ${value}`];
    return rootOnlyKubeconfigs(value, path);
  });
}

const documents = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...readdirSync(join(repoRoot, 'actions'))
    .map((name) => `actions/${name}/README.md`)
    .filter((path) => existsSync(join(repoRoot, path))),
];

describe('kubeconfig paths in workflows, action files and the docs’ YAML examples', () => {
  it('never point at a kubeconfig only root can read', () => {
    const found = [
      ...repositoryActionsFiles().flatMap((file) => rootOnlyKubeconfigs(parse(file.text), file.path)),
      ...documents.flatMap((doc) =>
        yamlBlocks(readFileSync(join(repoRoot, doc), 'utf8')).flatMap((block, index) =>
          rootOnlyKubeconfigs(parse(block), `${doc}, YAML block ${index + 1}`),
        ),
      ),
    ];
    expect(found).toEqual([]);
  });

  it('(the check) finds a with: input and an env variable naming one, and lets descriptions be', () => {
    const example = parse(
      [
        '- uses: OWNER/k8s-ship/actions/rollout-wait@v1',
        '  with: { kubeconfig: /etc/rancher/k3s/k3s.yaml }',
        '- run: kubectl get pods',
        '  env: { KUBECONFIG: /etc/kubernetes/admin.conf }',
        '- with: { kubeconfig: /home/k8s-ship-deploy/.kube/config }',
        '- inputs: { kubeconfig: { description: "not /etc/rancher/k3s/k3s.yaml" } }',
      ].join('\n'),
    );
    expect(rootOnlyKubeconfigs(example, 'doc')).toEqual([
      'doc[0].with.kubeconfig: /etc/rancher/k3s/k3s.yaml',
      'doc[1].env.KUBECONFIG: /etc/kubernetes/admin.conf',
    ]);
  });
});
