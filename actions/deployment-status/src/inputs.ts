import {
  ConfigurationError,
  getBooleanInput,
  getOptionalInput,
  getRequiredInput,
  getSecretInput,
  parseEnum,
  parseInteger,
} from '../../lib/src/index.js';
import { isDns1123Label } from '../../lib/src/kubectl/names.js';
import { environmentUrl } from './environment-url.js';

export const PHASES = ['start', 'finish'] as const;
export type Phase = (typeof PHASES)[number];

/** rollout-wait's `result` values; empty means the pipeline stopped before the rollout ended. */
export const RESULTS = ['succeeded', 'failed', 'rolled-back', 'superseded'] as const;
export type RolloutResult = (typeof RESULTS)[number] | 'stopped';

export interface StartInputs {
  phase: 'start';
  environment: string;
  namespace: string | undefined;
  'preview-environment': string;
  production: boolean;
  'environment-url': string;
  ref: string | undefined;
  description: string | undefined;
}

export interface FinishInputs {
  phase: 'finish';
  /** Undefined when `start` recorded nothing (no token, or it did not run). */
  'deployment-id': number | undefined;
  result: RolloutResult;
  'environment-url': string;
  description: string | undefined;
}

export type Inputs = { token: string | undefined } & (StartInputs | FinishInputs);

// GitHub allows any name up to 255 characters; control characters would only garble logs and pages.
const ENVIRONMENT_NAME = /^[^\p{Cc}\s](?:[^\p{Cc}]{0,253}[^\p{Cc}\s])?$/u;
// A commit SHA or a ref name as git allows it (no spaces, control characters, `..`, `~^:?*[\`).
const REF = /^(?!.*\.\.)(?!\/)(?!.*\/$)[^\s\p{Cc}~^:?*[\\]{1,255}$/u;

function environmentName(name: string, value: string): string {
  if (!ENVIRONMENT_NAME.test(value)) {
    throw ConfigurationError.invalidInput(
      name,
      value,
      'a GitHub environment name of 1 to 255 characters without control characters',
    );
  }
  return value;
}

function startInputs(): StartInputs {
  const namespace = getOptionalInput('namespace');
  if (namespace !== undefined && !isDns1123Label(namespace)) {
    throw ConfigurationError.invalidInput(
      'namespace',
      namespace,
      'a Kubernetes namespace (a DNS-1123 label)',
    );
  }
  const ref = getOptionalInput('ref');
  if (ref !== undefined && !REF.test(ref)) {
    throw ConfigurationError.invalidInput('ref', ref, 'a commit SHA, branch or tag name');
  }
  return {
    phase: 'start',
    environment: environmentName(
      'environment',
      getRequiredInput('environment', "The 'start' phase records a deployment to this environment."),
    ),
    namespace,
    'preview-environment': environmentName(
      'preview-environment',
      getOptionalInput('preview-environment') ?? 'preview',
    ),
    production: getBooleanInput('production', false),
    'environment-url': getOptionalInput('environment-url') ?? '',
    ref,
    description: getOptionalInput('description'),
  };
}

function finishInputs(): FinishInputs {
  const id = getOptionalInput('deployment-id');
  const result = getOptionalInput('result');
  return {
    phase: 'finish',
    'deployment-id': id === undefined ? undefined : parseInteger('deployment-id', id, { min: 1 }),
    result: result === undefined ? 'stopped' : parseEnum('result', result, RESULTS),
    // Start's output, already filled in: checked again all the same, it is an input like any other.
    'environment-url':
      environmentUrl(getOptionalInput('environment-url') ?? '', { namespace: '', environment: '' }) ?? '',
    description: getOptionalInput('description'),
  };
}

export function getInputs(): Inputs {
  // Read (and masked) first, before anything else could log it.
  const token = getSecretInput('token');
  const phase = parseEnum('phase', getRequiredInput('phase'), PHASES);
  return { token, ...(phase === 'start' ? startInputs() : finishInputs()) };
}
