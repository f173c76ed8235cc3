import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One entry of a composite action's `runs.steps`, as much as the composite runner supports. */
export interface CompositeStep {
  /** Position in runs.steps, for messages. */
  index: number;
  id?: string;
  name?: string;
  if?: string;
  env: Record<string, string>;
  uses?: string;
  with: Record<string, string>;
  run?: string;
  shell?: string;
  workingDirectory?: string;
  continueOnError: boolean;
}

export interface CompositeAction {
  name: string;
  inputs: Record<string, { default?: string; required: boolean }>;
  outputs: Record<string, { value: string }>;
  steps: CompositeStep[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** YAML may type a scalar as a number or boolean; the runner hands every value on as text. */
function scalarMap(where: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new Error(`${where} must be a mapping`);
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isRecord(item) || Array.isArray(item)) throw new Error(`${where}.${key} must be a scalar`);
    result[key] = item === null ? '' : String(item);
  }
  return result;
}

function optionalString(where: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new Error(`${where} must be a string`);
  return value;
}

const STEP_KEYS = new Set([
  'id',
  'name',
  'if',
  'env',
  'uses',
  'with',
  'run',
  'shell',
  'working-directory',
  'continue-on-error',
]);

function parseStep(source: string, raw: unknown, index: number): CompositeStep {
  const where = `${source}: runs.steps[${index}]`;
  if (!isRecord(raw)) throw new Error(`${where} must be a mapping`);
  const unknown = Object.keys(raw).filter((key) => !STEP_KEYS.has(key));
  if (unknown.length > 0) throw new Error(`${where} has unsupported key(s) ${unknown.join(', ')}`);
  const step: CompositeStep = {
    index,
    env: scalarMap(`${where}.env`, raw.env),
    with: scalarMap(`${where}.with`, raw.with),
    continueOnError: raw['continue-on-error'] === true,
  };
  const fields = {
    id: optionalString(`${where}.id`, raw.id),
    name: optionalString(`${where}.name`, raw.name),
    if: optionalString(`${where}.if`, raw.if),
    uses: optionalString(`${where}.uses`, raw.uses),
    run: optionalString(`${where}.run`, raw.run),
    shell: optionalString(`${where}.shell`, raw.shell),
    workingDirectory: optionalString(`${where}.working-directory`, raw['working-directory']),
  };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) Object.assign(step, { [key]: value });
  }
  if ((step.uses === undefined) === (step.run === undefined)) {
    throw new Error(`${where} must have exactly one of 'uses' or 'run'`);
  }
  if (step.run !== undefined && step.shell === undefined) {
    throw new Error(`${where} runs a script without 'shell': composite actions require one`);
  }
  return step;
}

/** Parses a composite action.yml; `source` names the file in errors. */
export function parseCompositeAction(text: string, source: string): CompositeAction {
  const doc: unknown = parse(text);
  if (!isRecord(doc)) throw new Error(`${source}: not a YAML mapping`);
  if (!isRecord(doc.runs) || doc.runs.using !== 'composite') {
    throw new Error(`${source}: runs.using must be 'composite'`);
  }
  if (!Array.isArray(doc.runs.steps)) throw new Error(`${source}: runs.steps must be a list`);
  const inputs: CompositeAction['inputs'] = {};
  for (const [name, spec] of Object.entries(isRecord(doc.inputs) ? doc.inputs : {})) {
    if (!isRecord(spec)) throw new Error(`${source}: inputs.${name} must be a mapping`);
    inputs[name] = { required: spec.required === true };
    if (spec.default !== undefined && spec.default !== null) inputs[name].default = String(spec.default);
  }
  const outputs: CompositeAction['outputs'] = {};
  for (const [name, spec] of Object.entries(isRecord(doc.outputs) ? doc.outputs : {})) {
    if (!isRecord(spec) || typeof spec.value !== 'string') {
      throw new Error(
        `${source}: outputs.${name}.value must be a string (composite outputs map step outputs)`,
      );
    }
    outputs[name] = { value: spec.value };
  }
  const steps = doc.runs.steps.map((raw, index) => parseStep(source, raw, index));
  const ids = steps.flatMap((step) => (step.id === undefined ? [] : [step.id]));
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw new Error(`${source}: step id '${repeated}' is used twice`);
  return { name: String(doc.name ?? source), inputs, outputs, steps };
}

export function readCompositeAction(path: string): CompositeAction {
  return parseCompositeAction(readFileSync(path, 'utf8'), path);
}
