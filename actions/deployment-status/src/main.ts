import {
  createGitHubDeploymentsApi,
  type DeploymentsApi,
  parseRepositoryName,
} from '../../lib/src/github/index.js';
import {
  info,
  notice,
  type RunContext,
  readRunContext,
  runAction,
  runUrl,
  setOutputs,
  table,
  writeJobSummary,
} from '../../lib/src/index.js';
import { type FinishInputs, getInputs, type Inputs, type StartInputs } from './inputs.js';
import { finalStatus, inProgressStatus, planStart, startEnvironmentUrl } from './plan.js';
import { finishDeployment, startDeployment } from './record.js';

const NOTHING = { 'deployment-id': '', environment: '', 'environment-url': '', state: '' };

/** True in both cases: this step records nothing, while GitHub itself records a job with an environment. */
export const NO_TOKEN_NOTICE =
  "No GitHub token: this step records no deployment on GitHub (a job with an 'environment:' gets GitHub's own record).";

/**
 * The CLI, other CI systems and a job that leaves the record to GitHub (a job with `environment:`, given an
 * empty token) record nothing here; the URL still goes out, for that job's `environment.url`.
 */
function withoutToken(inputs: Inputs): void {
  if (inputs.phase === 'start') notice(NO_TOKEN_NOTICE);
  else info('No GitHub token: nothing to finish.');
  const url = inputs.phase === 'start' ? (startEnvironmentUrl(inputs) ?? '') : inputs['environment-url'];
  setOutputs({ ...NOTHING, 'environment-url': url });
}

async function start(api: DeploymentsApi, inputs: StartInputs, context: RunContext): Promise<void> {
  const plan = planStart(inputs, context);
  const { deployment } = await startDeployment(api, plan, inProgressStatus(plan, runUrl(context)));
  const kind = [
    plan.deployment.transientEnvironment && 'transient',
    deployment.productionEnvironment && 'production',
  ]
    .filter(Boolean)
    .join(', ');
  info(
    `deployment ${deployment.id} of ${deployment.sha.slice(0, 12)} to environment '${deployment.environment}'` +
      `${kind ? ` (${kind})` : ''}: in progress`,
  );
  setOutputs({
    'deployment-id': String(deployment.id),
    environment: deployment.environment,
    'environment-url': plan.environmentUrl ?? '',
    state: 'in_progress',
  });
}

async function finish(api: DeploymentsApi, inputs: FinishInputs, context: RunContext): Promise<void> {
  const id = inputs['deployment-id'];
  if (id === undefined) {
    info('No deployment was recorded (no token, or the start step did not run): nothing to finish.');
    setOutputs(NOTHING);
    return;
  }
  const status = finalStatus(inputs, runUrl(context));
  const { deployment, deactivated } = await finishDeployment(api, id, status);
  info(
    `deployment ${id} to environment '${deployment.environment}': ${status.state} (${status.description})`,
  );
  if (deactivated.length > 0) info(`set inactive, replaced by it: ${deactivated.join(', ')}`);
  setOutputs({
    'deployment-id': String(id),
    environment: deployment.environment,
    'environment-url': status.environmentUrl ?? '',
    state: status.state,
  });
  await writeJobSummary([
    table(
      ['GitHub environment', 'deployment', 'state', 'URL'],
      [[deployment.environment, id, status.state, status.environmentUrl ?? '']],
    ),
  ]);
}

export async function run(
  createApi: typeof createGitHubDeploymentsApi = createGitHubDeploymentsApi,
): Promise<void> {
  await runAction('deployment-status', async () => {
    const inputs = getInputs();
    if (inputs.token === undefined) {
      withoutToken(inputs);
      return;
    }
    const context = readRunContext();
    const api = createApi({ token: inputs.token, repository: parseRepositoryName(context.repository) });
    if (inputs.phase === 'start') await start(api, inputs, context);
    else await finish(api, inputs, context);
  });
}
