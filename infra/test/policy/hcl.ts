import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@cdktf/hcl2json';

/** One HCL block body as @cdktf/hcl2json renders it: nested blocks are arrays, expressions "${…}". */
export type HclBody = Record<string, unknown>;

export interface TfFile {
  /** Path relative to infra/, used in violation messages. */
  path: string;
  json: HclBody;
}

/** A Terraform module: every .tf file of one folder. */
export interface TfModule {
  dir: string;
  files: TfFile[];
}

export interface Block {
  /** Address like resource.aws_instance.worker, plus the file it is in. */
  where: string;
  type: string;
  name: string;
  body: HclBody;
}

export async function parseHcl(path: string, text: string): Promise<HclBody> {
  try {
    return (await parse(path, text)) as HclBody;
  } catch (error) {
    throw new Error(`cannot parse ${path} as HCL: ${(error as Error).message}`);
  }
}

/** Builds a module from in-memory files: how the negative tests feed deliberately bad snippets. */
export async function moduleFromSources(dir: string, sources: Record<string, string>): Promise<TfModule> {
  const files: TfFile[] = [];
  for (const [name, text] of Object.entries(sources)) {
    files.push({ path: join(dir, name), json: await parseHcl(join(dir, name), text) });
  }
  return { dir, files };
}

/** Every folder under `root` that holds .tf files, parsed; .terraform folders are skipped. */
export async function loadModules(root: string): Promise<TfModule[]> {
  const modules: TfModule[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const tfFiles = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.tf'));
    if (tfFiles.length > 0) {
      const sources = Object.fromEntries(
        tfFiles.map((entry) => [entry.name, readFileSync(join(dir, entry.name), 'utf8')]),
      );
      modules.push(await moduleFromSources(relative(root, dir) || '.', sources));
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
        await visit(join(dir, entry.name));
      }
    }
  };
  await visit(root);
  return modules;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function typedBlocks(module: TfModule, kind: 'resource' | 'data', type: string): Block[] {
  return module.files.flatMap((file) =>
    Object.entries(asRecord(asRecord(file.json[kind])[type])).flatMap(([name, bodies]) =>
      (bodies as HclBody[]).map((body) => ({
        where: `${file.path}: ${kind}.${type}.${name}`,
        type,
        name,
        body,
      })),
    ),
  );
}

export const resources = (module: TfModule, type: string): Block[] => typedBlocks(module, 'resource', type);
export const dataSources = (module: TfModule, type: string): Block[] => typedBlocks(module, 'data', type);

/** Every resource and data source type the module uses. */
export function usedTypes(module: TfModule): string[] {
  return module.files.flatMap((file) => [
    ...Object.keys(asRecord(file.json.resource)),
    ...Object.keys(asRecord(file.json.data)),
  ]);
}

/** Blocks keyed by a single label: variable, output, module, provider. */
export function namedBlocks(module: TfModule, kind: 'variable' | 'output' | 'module' | 'provider'): Block[] {
  return module.files.flatMap((file) =>
    Object.entries(asRecord(file.json[kind])).flatMap(([name, bodies]) =>
      (bodies as HclBody[]).map((body) => ({
        where: `${file.path}: ${kind}.${name}`,
        type: kind,
        name,
        body,
      })),
    ),
  );
}

export function terraformBlocks(module: TfModule): Block[] {
  return module.files.flatMap((file) =>
    ((file.json.terraform as HclBody[] | undefined) ?? []).map((body) => ({
      where: `${file.path}: terraform`,
      type: 'terraform',
      name: 'terraform',
      body,
    })),
  );
}

/** Nested blocks of a body (hcl2json always renders them as arrays). */
export function nested(body: HclBody, name: string): HclBody[] {
  const value = body[name];
  return Array.isArray(value) ? (value.filter((item) => typeof item === 'object') as HclBody[]) : [];
}

/** How hcl2json renders an expression: `expression('var.x')` is the string "$" + "{var.x}". */
export function expression(inner: string): string {
  return ['$', '{', inner, '}'].join('');
}

/** True when the attribute is an expression like "${var.x}" rather than a literal. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('${') && value.endsWith('}');
}

/** An attribute as a list of strings: literals as they are, one expression as one element. */
export function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** All text of a body, for "does this mention X" checks on expressions. */
export function textOf(value: unknown): string {
  return JSON.stringify(value) ?? '';
}
