import { type ParsedFile, parseActionsFile } from './steps.js';
import type { ActionsFile } from './workflow-files.js';

/** A workflow made of the given jobs YAML (indented under `jobs:`), for rule tests. */
export function workflowSnippet(
  jobs: string,
  header = 'on: push\npermissions:\n  contents: read\n',
): ActionsFile {
  return { path: 'snippet.yml', kind: 'workflow', text: `${header}jobs:\n${jobs}` };
}

/** A one-job workflow whose single step is `step` (YAML lines under `- `). */
export function stepSnippet(step: string): ParsedFile {
  const indented = step
    .trim()
    .split('\n')
    .map((line, index) => (index === 0 ? `      - ${line}` : `        ${line}`))
    .join('\n');
  return parseActionsFile(workflowSnippet(`  job:\n    runs-on: ubuntu-24.04\n    steps:\n${indented}\n`));
}

export function actionSnippet(steps: string): ParsedFile {
  return parseActionsFile({
    path: 'action.yml',
    kind: 'action',
    text: `name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n${steps}`,
  });
}
