import { isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import type { ActionsFile } from './workflow-files.js';

/** One place in a workflow or action where code runs or an action is used. */
export interface StepLocation {
  file: string;
  /** e.g. `jobs.deploy.steps[2]` or `runs.steps[0]`. */
  where: string;
  line: number;
  /** The text of the source line, for rules that read its comment. */
  sourceLine: string;
  run?: string;
  uses?: string;
  /** `with.script` of actions/github-script: code as well. */
  script?: string;
}

export interface ParsedFile {
  file: ActionsFile;
  /** The document as plain data. */
  data: Record<string, unknown>;
  steps: StepLocation[];
}

function scalarString(map: YAMLMap, key: string): string | undefined {
  const value = map.get(key, true);
  return isScalar(value) && value.value !== null ? String(value.value) : undefined;
}

/** Parses a workflow or action file and lists its steps (and reusable-workflow jobs) with line numbers. */
export function parseActionsFile(file: ActionsFile): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter });
  if (doc.errors.length > 0) throw new Error(`${file.path}: ${doc.errors[0]?.message}`);
  const lines = file.text.split('\n');
  const steps: StepLocation[] = [];
  const add = (where: string, node: YAMLMap, usesKey = 'uses') => {
    const offset = node.range?.[0] ?? 0;
    // Point at the `run:` or `uses:` value, where a reader would fix it.
    const keyNode = node.get('run', true) ?? node.get(usesKey, true);
    const lineOffset = isScalar(keyNode) && keyNode.range ? keyNode.range[0] : offset;
    const line = lineCounter.linePos(lineOffset).line;
    const withMap = node.get('with', true);
    const location: StepLocation = { file: file.path, where, line, sourceLine: lines[line - 1] ?? '' };
    const run = scalarString(node, 'run');
    const uses = scalarString(node, usesKey);
    const script = isMap(withMap) ? scalarString(withMap, 'script') : undefined;
    if (run !== undefined) location.run = run;
    if (uses !== undefined) location.uses = uses;
    if (script !== undefined && uses?.startsWith('actions/github-script')) location.script = script;
    steps.push(location);
  };
  const stepList = (where: string, node: unknown) => {
    if (!isSeq(node)) return;
    node.items.forEach((item, index) => {
      if (isMap(item)) add(`${where}[${index}]`, item);
    });
  };
  const root = doc.contents;
  if (isMap(root)) {
    if (file.kind === 'workflow') {
      const jobs = root.get('jobs', true);
      if (isMap(jobs)) {
        for (const pair of jobs.items) {
          const id = isScalar(pair.key) ? String(pair.key.value) : '?';
          if (!isMap(pair.value)) continue;
          if (pair.value.has('uses')) add(`jobs.${id}`, pair.value);
          stepList(`jobs.${id}.steps`, pair.value.get('steps', true));
        }
      }
    } else {
      const runs = root.get('runs', true);
      if (isMap(runs)) stepList('runs.steps', runs.get('steps', true));
    }
  }
  return { file, data: (doc.toJS() ?? {}) as Record<string, unknown>, steps };
}
