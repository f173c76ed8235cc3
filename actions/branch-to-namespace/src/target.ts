import { dnsLabel, dockerTag, PREVIEW_ENVIRONMENT, previewNamespace } from '../../lib/src/derived-names.js';
import { ConfigurationError, quoteValue } from '../../lib/src/index.js';
import { refMatches } from './glob.js';
import type { Inputs } from './inputs.js';
import { matchRule } from './mapping.js';
import type { DeployRef } from './ref.js';

/** Where a ref deploys to; the action's outputs. */
export interface Target {
  environment: string;
  namespace: string;
  overlay: string;
  isProduction: boolean;
  slug: string;
  imageTag: string;
  /** How the environment was chosen, for the log and summary. */
  reason: string;
}

type TargetInputs = Omit<Inputs, 'ref'>;

/** Every environment this configuration can deploy to; a dispatch choice must be one of them. */
export function knownEnvironments(inputs: TargetInputs): string[] {
  const names = [...inputs.mapping.map((r) => r.environment), inputs['default-environment']];
  if (inputs.preview) names.push(PREVIEW_ENVIRONMENT);
  return [...new Set(names)];
}

function chooseEnvironment(ref: DeployRef, inputs: TargetInputs): { environment: string; reason: string } {
  if (inputs.environment !== undefined) {
    const known = knownEnvironments(inputs);
    if (!known.includes(inputs.environment)) {
      throw ConfigurationError.invalidInput('environment', inputs.environment, `one of ${known.join(', ')}`);
    }
    return {
      environment: inputs.environment,
      reason: 'chosen by hand (environment input or workflow_dispatch)',
    };
  }
  const rule = matchRule(inputs.mapping, ref);
  if (rule) return { environment: rule.environment, reason: `matches the mapping pattern '${rule.pattern}'` };
  if (inputs.preview)
    return { environment: PREVIEW_ENVIRONMENT, reason: 'no mapping pattern matches: preview' };
  return {
    environment: inputs['default-environment'],
    reason: 'no mapping pattern matches: default environment',
  };
}

/** Entries starting with refs/ match the full ref (e.g. refs/tags/v*); the others match branch names. */
function mayReachProduction(ref: DeployRef, allowlist: readonly string[]): boolean {
  return allowlist.some((pattern) => refMatches(pattern, ref));
}

/** The commit's first 7 characters, when GITHUB_SHA looks like a commit id. */
function shortSha(sha: string): string | undefined {
  return /^[0-9a-f]{7,64}$/.test(sha) ? sha.slice(0, 7) : undefined;
}

/** Pure: decides environment, namespace, overlay and names for `ref`. Untrusted text only leaves sanitized. */
export function resolveTarget(ref: DeployRef, inputs: TargetInputs, sha: string): Target {
  const { environment, reason } = chooseEnvironment(ref, inputs);
  const isProduction = environment === inputs['production-environment'];
  if (isProduction && !mayReachProduction(ref, inputs['production-branches'])) {
    throw new ConfigurationError(
      `The ${ref.kind} ${quoteValue(ref.name)} may not deploy to '${environment}': only ` +
        `${inputs['production-branches'].join(', ')} may (input 'production-branches').`,
    );
  }
  const prefix = inputs['namespace-prefix'];
  const slug = dnsLabel(ref.name);
  const namespace =
    environment === PREVIEW_ENVIRONMENT
      ? previewNamespace(prefix, ref.name, ref.full)
      : dnsLabel(`${prefix}${environment}`);
  const commit = shortSha(sha);
  const imageTag =
    ref.kind === 'tag'
      ? dockerTag(ref.name)
      : dockerTag(commit ? `${slug}-${commit}` : slug, `${ref.full}\n${sha}`);
  return {
    environment,
    namespace,
    overlay: `${inputs['overlay-root']}/${environment}`,
    isProduction,
    slug,
    imageTag,
    reason,
  };
}
