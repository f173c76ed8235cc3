// Runs GitHub's workflow parser in a child process under tsx: the parser imports its JSON schemas without
// an import attribute, which Node's own ESM loader (used by vitest for node_modules) refuses.
import { readFileSync } from 'node:fs';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';

interface Request {
  path: string;
  kind: 'workflow' | 'action';
  text: string;
}

const requests = JSON.parse(readFileSync(0, 'utf8')) as Request[];
const answers = requests.map((file) => {
  const entry = { name: file.path, content: file.text };
  const trace = new NoOperationTraceWriter();
  const result = file.kind === 'workflow' ? parseWorkflow(entry, trace) : parseAction(entry, trace);
  return result.context.errors.getErrors().map((error) => error.message);
});
process.stdout.write(JSON.stringify(answers));
