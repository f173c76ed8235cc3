import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readActionMetadata } from '../../actions/lib/src/metadata.js';

/** A `uses:` of this repository found in a document's YAML example, and what it passes. */
export interface ExampleUse {
  doc: string;
  /** 1-based number of the YAML block in the document. */
  block: number;
  uses: string;
  /** The action folder or workflow file it names, relative to the repository root ('' = root action). */
  target: string;
  with: string[];
  secrets: string[];
  /** The example elides inputs (`with: { ... }`), so missing required ones are not its fault. */
  elided: boolean;
}

/** What a referenced action or reusable workflow accepts. */
export interface Interface {
  inputs: string[];
  required: string[];
  secrets?: { names: string[]; required: string[] };
}

const YAML_BLOCK = /^```ya?ml\n([\s\S]*?)^```/gm;
// Placeholders the docs use for this repository: OWNER/k8s-ship or OWNER/REPO, then a path inside it.
const OURS = /^OWNER\/[\w.-]+(?:\/([^@]+))?@\S+$/;
const ELISION = '...';

export function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(YAML_BLOCK)].map((match) => match[1] as string);
}

/** This repository's path a `uses:` names, or undefined for someone else's action. */
export function ourTarget(uses: string): string | undefined {
  if (uses.startsWith('./')) return uses.slice(2).replace(/\/$/, '');
  const match = OURS.exec(uses);
  if (match === null) return undefined;
  return match[1] ?? '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collectUses(node: unknown, found: Omit<ExampleUse, 'doc' | 'block'>[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectUses(item, found);
    return;
  }
  if (!isRecord(node)) return;
  const target = typeof node.uses === 'string' ? ourTarget(node.uses) : undefined;
  if (typeof node.uses === 'string' && target !== undefined) {
    const withKeys = isRecord(node.with) ? Object.keys(node.with) : [];
    found.push({
      uses: node.uses,
      target,
      with: withKeys.filter((key) => key !== ELISION),
      secrets: isRecord(node.secrets) ? Object.keys(node.secrets) : [],
      elided: withKeys.includes(ELISION),
    });
  }
  for (const value of Object.values(node)) collectUses(value, found);
}

/** Every `uses:` of this repository in a Markdown document's YAML blocks; a block that is not YAML throws. */
export function exampleUses(doc: string, markdown: string): ExampleUse[] {
  return yamlBlocks(markdown).flatMap((text, index) => {
    let data: unknown;
    try {
      data = parse(text);
    } catch (error) {
      throw new Error(`${doc}, YAML block ${index + 1} does not parse: ${(error as Error).message}`);
    }
    const found: Omit<ExampleUse, 'doc' | 'block'>[] = [];
    collectUses(data, found);
    return found.map((use) => ({ doc, block: index + 1, ...use }));
  });
}

/** The inputs (and, for a reusable workflow, secrets) of an action folder or a workflow file. */
export function interfaceOf(repoRoot: string, target: string): Interface {
  if (/\.ya?ml$/.test(target)) {
    const workflow = parse(readFileSync(join(repoRoot, target), 'utf8')) as {
      on?: {
        workflow_call?: {
          inputs?: Record<string, { required?: boolean }>;
          secrets?: Record<string, { required?: boolean }>;
        };
      };
    };
    const call = workflow.on?.workflow_call;
    if (call === undefined) throw new Error(`${target} is not a reusable workflow (no on.workflow_call)`);
    const required = (specs: Record<string, { required?: boolean }> = {}) =>
      Object.entries(specs)
        .filter(([, spec]) => spec.required === true)
        .map(([name]) => name);
    return {
      inputs: Object.keys(call.inputs ?? {}),
      required: required(call.inputs),
      secrets: { names: Object.keys(call.secrets ?? {}), required: required(call.secrets) },
    };
  }
  const path = join(repoRoot, target, 'action.yml');
  if (!existsSync(path)) throw new Error(`no action.yml at ${target || '(the root)'}`);
  const inputs = readActionMetadata(path).inputs;
  return {
    inputs: Object.keys(inputs),
    required: Object.entries(inputs)
      .filter(([, spec]) => spec.required && spec.default === undefined)
      .map(([name]) => name),
  };
}

/** What is wrong with one example: keys the target does not declare, required ones it leaves out. */
export function exampleProblems(use: ExampleUse, target: Interface): string[] {
  const where = `${use.doc}, YAML block ${use.block}, ${use.uses}`;
  const problems = use.with
    .filter((key) => !target.inputs.includes(key))
    .map((key) => `${where}: with.${key} is not an input (inputs: ${target.inputs.join(', ')})`);
  if (!use.elided) {
    for (const name of target.required.filter((input) => !use.with.includes(input)))
      problems.push(`${where}: the required input ${name} is missing`);
  }
  if (target.secrets !== undefined) {
    const { names, required } = target.secrets;
    for (const key of use.secrets.filter((secret) => !names.includes(secret)))
      problems.push(
        `${where}: secrets.${key} is not a secret of the workflow (secrets: ${names.join(', ')})`,
      );
    for (const name of required.filter((secret) => !use.secrets.includes(secret)))
      problems.push(`${where}: the required secret ${name} is missing`);
  } else if (use.secrets.length > 0) {
    problems.push(`${where}: an action takes no secrets: block`);
  }
  return problems;
}
