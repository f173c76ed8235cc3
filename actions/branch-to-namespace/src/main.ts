import {
  info,
  type RunContext,
  readRunContext,
  runAction,
  setOutputs,
  table,
  writeJobSummary,
} from '../../lib/src/index.js';
import { getInputs } from './inputs.js';
import { deployRef } from './ref.js';
import { resolveTarget } from './target.js';

/** A workflow_dispatch run's `environment` choice, read from the event when not passed as an input. */
function dispatchChoice(context: RunContext): string | undefined {
  if (context.eventName !== 'workflow_dispatch') return undefined;
  const choice = (context.payload.inputs as Record<string, unknown> | undefined)?.environment;
  return typeof choice === 'string' && choice !== '' ? choice : undefined;
}

/** Branch names are untrusted: always logged JSON-quoted, so no newline or `::command::` gets through. */
const quoted = (text: string): string => JSON.stringify(text);

export async function run(): Promise<void> {
  await runAction('branch-to-namespace', async () => {
    const inputs = getInputs();
    const context = readRunContext();
    const ref = deployRef(context, inputs.ref);
    const target = resolveTarget(
      ref,
      { ...inputs, environment: inputs.environment ?? dispatchChoice(context) },
      context.sha,
    );
    info(`${ref.kind} ${quoted(ref.name)} → environment ${target.environment} (${target.reason})`);
    info(`namespace ${target.namespace}, overlay ${target.overlay}, image tag ${target.imageTag}`);
    setOutputs({
      environment: target.environment,
      namespace: target.namespace,
      overlay: target.overlay,
      'is-production': target.isProduction,
      slug: target.slug,
      'image-tag': target.imageTag,
    });
    await writeJobSummary([
      table(
        ['ref', 'environment', 'namespace', 'overlay', 'image tag'],
        [[ref.full, target.environment, target.namespace, target.overlay, target.imageTag]],
      ),
    ]);
  });
}
