import {
  isNamespacePrefix,
  NAMESPACE_PREFIX_EXPECTED,
  PREVIEW_ENVIRONMENT,
} from '../../lib/src/derived-names.js';
import {
  ConfigurationError,
  getBooleanInput,
  getDurationInput,
  getEnumInput,
  getListInput,
  getOptionalInput,
  getSecretInput,
  type RunContext,
} from '../../lib/src/index.js';
import { DNS1123_LABEL_EXPECTED, isDns1123Label } from '../../lib/src/kubectl/index.js';
import { getTargetConnectionInputs, type TargetConnection } from '../../lib/src/target/index.js';
import { type EndedBranch, endedBranch } from './branch.js';

export interface SweepInputs {
  /** A preview older than this is stale. */
  maxAgeMs?: number;
  /** Only list what would be deleted (the default). */
  dryRun: boolean;
}

export interface PreviewCleanupInputs {
  /** `branch`: end one branch's preview; `sweep`: end every stale one. */
  mode: { branch: EndedBranch } | { sweep: SweepInputs };
  /** branch-to-namespace's `namespace-prefix`: the same value, or the namespace found is another. */
  prefix: string;
  /** `<prefix><environment>` for every protected environment: never deleted. */
  protectedNamespaces: string[];
  deleteTimeoutSeconds: number;
  token?: string;
  deleteEnvironment: boolean;
  target: TargetConnection;
}

export function getInputs(context: RunContext): PreviewCleanupInputs {
  const mode = getEnumInput('mode', ['branch', 'sweep'] as const, 'branch');
  const prefix = getOptionalInput('namespace-prefix') ?? '';
  if (prefix !== '' && !isNamespacePrefix(prefix))
    throw ConfigurationError.invalidInput('namespace-prefix', prefix, NAMESPACE_PREFIX_EXPECTED);
  const environments = getListInput('protected-environments');
  for (const environment of environments) {
    if (environment === PREVIEW_ENVIRONMENT || !isDns1123Label(`${prefix}${environment}`)) {
      throw ConfigurationError.invalidInput(
        'protected-environments',
        environment,
        `environment names other than '${PREVIEW_ENVIRONMENT}' that make a namespace with the prefix (${DNS1123_LABEL_EXPECTED})`,
      );
    }
  }
  const token = getSecretInput('token');
  const maxAge = getOptionalInput('max-age');
  if (mode === 'sweep' && maxAge === undefined && token === undefined) {
    throw new ConfigurationError(
      "A sweep needs a token (to see which branches still exist) or 'max-age' (to find old previews), or both.",
    );
  }
  return {
    mode:
      mode === 'branch'
        ? { branch: endedBranch(context, getOptionalInput('branch')) }
        : {
            sweep: {
              ...(maxAge !== undefined && {
                maxAgeMs: getDurationInput('max-age', 0, { minMs: 3_600_000, maxMs: 365 * 24 * 3_600_000 }),
              }),
              dryRun: getBooleanInput('dry-run', true),
            },
          },
    prefix,
    protectedNamespaces: environments.map((environment) => `${prefix}${environment}`),
    deleteTimeoutSeconds: Math.round(
      getDurationInput('delete-timeout', 5 * 60_000, { minMs: 10_000, maxMs: 3_600_000 }) / 1000,
    ),
    ...(token !== undefined && { token }),
    deleteEnvironment: getBooleanInput('delete-environment', true),
    target: getTargetConnectionInputs({ action: 'preview-cleanup', ssh: 'optional' }),
  };
}
