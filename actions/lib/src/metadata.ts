import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** An action's `action.yml`, as much of it as the docs, the harness and the CLI need. */
export interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, ActionOutput>;
  runs: ActionRuns;
}

export interface ActionInput {
  description: string;
  required: boolean;
  default?: string;
  deprecationMessage?: string;
}

export interface ActionOutput {
  description: string;
}

export interface ActionRuns {
  using: string;
  main?: string;
  pre?: string;
  post?: string;
  'post-if'?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(where: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new Error(`${where} must be a non-empty string`);
  return value;
}

/** Parses and checks action.yml text; `source` names the file in errors. */
export function parseActionMetadata(text: string, source: string): ActionMetadata {
  const doc: unknown = parse(text);
  if (!isRecord(doc)) throw new Error(`${source}: not a YAML mapping`);
  const inputs: Record<string, ActionInput> = {};
  for (const [name, spec] of Object.entries(isRecord(doc.inputs) ? doc.inputs : {})) {
    if (!isRecord(spec)) throw new Error(`${source}: inputs.${name} must be a mapping`);
    const input: ActionInput = {
      description: requireString(`${source}: inputs.${name}.description`, spec.description),
      required: spec.required === true,
    };
    // YAML may type a default as a number or boolean; the runner passes it as text.
    if (spec.default !== undefined && spec.default !== null) input.default = String(spec.default);
    if (typeof spec.deprecationMessage === 'string') input.deprecationMessage = spec.deprecationMessage;
    inputs[name] = input;
  }
  const outputs: Record<string, ActionOutput> = {};
  for (const [name, spec] of Object.entries(isRecord(doc.outputs) ? doc.outputs : {})) {
    if (!isRecord(spec)) throw new Error(`${source}: outputs.${name} must be a mapping`);
    outputs[name] = {
      description: requireString(`${source}: outputs.${name}.description`, spec.description),
    };
  }
  if (!isRecord(doc.runs)) throw new Error(`${source}: runs must be a mapping`);
  const runs: ActionRuns = { using: requireString(`${source}: runs.using`, doc.runs.using) };
  for (const key of ['main', 'pre', 'post', 'post-if'] as const) {
    if (typeof doc.runs[key] === 'string') runs[key] = doc.runs[key] as string;
  }
  return {
    name: requireString(`${source}: name`, doc.name),
    description: requireString(`${source}: description`, doc.description),
    inputs,
    outputs,
    runs,
  };
}

export function readActionMetadata(path: string): ActionMetadata {
  return parseActionMetadata(readFileSync(path, 'utf8'), path);
}

/** The variable the runner passes an input in: upper-cased, spaces → `_`, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
