import {
  ConfigurationError,
  getBooleanInput,
  getDurationInput,
  getIntegerInput,
  getOptionalInput,
  getRequiredInput,
} from '../../lib/src/index.js';
import {
  DNS1123_LABEL_EXPECTED,
  DNS1123_SUBDOMAIN_EXPECTED,
  isDns1123Label,
  isDns1123Subdomain,
} from '../../lib/src/kubectl/index.js';
import { getTargetConnectionInputs, type TargetConnection } from '../../lib/src/target/index.js';
import type { RevisionIdentity } from './replica-sets.js';
import type { RolloutWaitSettings } from './rollout-wait.js';

export interface RolloutWaitInputs {
  settings: RolloutWaitSettings;
  connection: TargetConnection;
}

// What the Deployment controller puts in the pod-template-hash label: a short base-36-like word.
const TEMPLATE_HASH = /^[a-z0-9]{1,20}$/;

/** The revision ssh-set-image set (its `revision` and `pod-template-hash` outputs), when given. */
function revisionIdentity(): RevisionIdentity | undefined {
  const hash = getOptionalInput('pod-template-hash');
  if (hash !== undefined && !TEMPLATE_HASH.test(hash)) {
    throw ConfigurationError.invalidInput(
      'pod-template-hash',
      hash,
      "ssh-set-image's pod-template-hash output: 1 to 20 lowercase letters and digits",
    );
  }
  const revision =
    getOptionalInput('revision') === undefined ? undefined : getIntegerInput('revision', 0, { min: 1 });
  if (hash === undefined && revision === undefined) return undefined;
  return {
    ...(revision === undefined ? {} : { revision }),
    ...(hash === undefined ? {} : { podTemplateHash: hash }),
  };
}

export function getInputs(): RolloutWaitInputs {
  const namespace = getRequiredInput('namespace', "Pass branch-to-namespace's namespace output.");
  if (!isDns1123Label(namespace))
    throw ConfigurationError.invalidInput('namespace', namespace, DNS1123_LABEL_EXPECTED);
  const deployment = getRequiredInput('deployment');
  if (!isDns1123Subdomain(deployment)) {
    throw ConfigurationError.invalidInput('deployment', deployment, DNS1123_SUBDOMAIN_EXPECTED);
  }
  const previous = getOptionalInput('previous-revision');
  const settings: RolloutWaitSettings = {
    namespace,
    deployment,
    timeoutMs: getDurationInput('timeout', 10 * 60_000, { minMs: 5_000, maxMs: 6 * 3_600_000 }),
    rollbackTimeoutMs: getDurationInput('rollback-timeout', 5 * 60_000, { minMs: 5_000, maxMs: 3_600_000 }),
    // At most 1 s: a failure must be seen within 2 s of the pod reporting it.
    pollIntervalMs: getDurationInput('poll-interval', 1_000, { minMs: 200, maxMs: 1_000 }),
    thresholds: {
      crashLoopRestarts: getIntegerInput('crash-loop-restarts', 2, { min: 0, max: 100 }),
      unschedulableMs: getDurationInput('unschedulable-timeout', 2 * 60_000, { minMs: 0, maxMs: 3_600_000 }),
      readinessMs: getDurationInput('readiness-timeout', 5 * 60_000, { minMs: 0, maxMs: 3_600_000 }),
      imagePullGraceMs: getDurationInput('image-pull-grace', 20_000, { minMs: 0, maxMs: 10 * 60_000 }),
    },
    rollbackOnFailure: getBooleanInput('rollback-on-failure', true),
    logLines: getIntegerInput('log-lines', 50, { min: 1, max: 1000 }),
  };
  const identity = revisionIdentity();
  if (identity) settings.identity = identity;
  if (previous !== undefined) {
    // '' and '0' both mean "no previous revision" (a first deploy): ssh-set-image may pass either.
    const revision = getIntegerInput('previous-revision', 0, { min: 0 });
    if (revision > 0) settings.previousRevision = revision;
  }
  return {
    settings,
    connection: getTargetConnectionInputs({ action: 'rollout-wait', ssh: 'optional' }),
  };
}
