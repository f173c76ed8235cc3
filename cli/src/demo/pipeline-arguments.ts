import type { SandboxEndpoints } from '../../../sandbox/src/endpoints.js';

export interface PipelinePlan {
  ssh: NonNullable<SandboxEndpoints['ssh']>;
  registry: { address: string; username: string };
  /** Repository inside the sandbox registry. */
  repository: string;
  /** The local Node bases for service/Dockerfile's BUILD_IMAGE and RUNTIME_IMAGE. */
  baseImages: { build: string; runtime: string };
  /** A `key=value` label on the image: how the demo's images are found again. */
  imageLabel: string;
  /** Trivy's cache folder: the DB made from sandbox/trivy/advisories.json is copied there. */
  trivyCacheDir: string;
  /** `''` for the real `dev` namespace; tests give their own prefix. */
  namespacePrefix: string;
  /** The branch shipped; DEMO_BRANCH when not given. */
  branch?: string;
  /** An environment chosen by hand, as a workflow_dispatch run passes it to the root action. */
  environment?: string;
  /** Each branch no pattern maps gets its own preview namespace from the preview overlay. */
  preview?: boolean;
  /** More `--input value` pairs, e.g. the end-to-end tests' rollout limits. */
  extraArguments?: readonly string[];
  /** Every line the steps log (the CLI's --verbose); by default their messages and group titles only. */
  verbose?: boolean;
}

/** The branch shipped: no mapping pattern matches it, so it lands in the default environment, dev. */
export const DEMO_BRANCH = 'dev';

/**
 * argv for `k8s-ship pipeline`: the flags `cli/test/pipeline.itg.test.ts` uses on the sandbox, for the
 * real service and overlay. No secret is on it: the registry password goes in K8S_SHIP_PASSWORD and the
 * SSH key by file.
 */
export function pipelineArguments(plan: PipelinePlan): string[] {
  const { ssh } = plan;
  return [
    'pipeline',
    ...['--branch', plan.branch ?? DEMO_BRANCH, '--namespace-prefix', plan.namespacePrefix],
    // A choice by hand is what a manual run makes: the event is workflow_dispatch, as on GitHub.
    ...(plan.environment === undefined
      ? []
      : ['--event', 'workflow_dispatch', '--environment', plan.environment]),
    ...(plan.preview === undefined ? [] : ['--preview', String(plan.preview)]),
    ...['--registry', plan.registry.address, '--username', plan.registry.username],
    ...['--repository', plan.repository, '--context', 'service'],
    ...[
      '--build-args',
      `BUILD_IMAGE=${plan.baseImages.build}\nRUNTIME_IMAGE=${plan.baseImages.runtime}`,
      '--labels',
      plan.imageLabel,
    ],
    ...['--trivy-source', 'path', '--cache-dir', plan.trivyCacheDir],
    ...['--deployment', 'metrics-api', '--overlay-root', 'k8s/overlays'],
    ...['--host', ssh.host, '--port', String(ssh.port), '--user', ssh.user],
    ...['--private-key-file', ssh.privateKeyFile, '--host-key', ssh.knownHostsLine],
    ...['--rollout-timeout', '5m'],
    ...(plan.extraArguments ?? []),
    ...(plan.verbose ? ['--verbose'] : []),
    '--json',
  ];
}
