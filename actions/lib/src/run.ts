import * as core from '@actions/core';
import { ConfigurationError, errorMessage } from './errors.js';

/**
 * The one boundary between an action and the runner: runs `main` and reports a failure once through
 * `core.setFailed`. A ConfigurationError is the user's to fix and is shown as is; anything else is wrapped
 * with the action's name. Stacks go to the debug log only.
 */
export async function runAction(actionName: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      core.setFailed(error.message);
      return;
    }
    if (error instanceof Error && error.stack && core.isDebug()) core.debug(error.stack);
    core.setFailed(`${actionName} failed: ${errorMessage(error)}`);
  }
}

/**
 * The boundary for post steps, which clean up: a failure there is a warning, never a failed job, because
 * the main step already decided the outcome.
 */
export async function runPostStep(actionName: string, cleanup: () => Promise<void>): Promise<void> {
  try {
    await cleanup();
  } catch (error) {
    if (error instanceof Error && error.stack && core.isDebug()) core.debug(error.stack);
    core.warning(`${actionName} cleanup failed: ${errorMessage(error)}`);
  }
}
