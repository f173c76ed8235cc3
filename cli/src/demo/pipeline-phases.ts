import type { CommandResult, StepReport } from '../run-command.js';
import type { Phase } from './timeline.js';

// build-push's job summary row `Build time | 12.3 s` (an HTML table): the rest of its step is login,
// push and reading the digest back.
const BUILD_TIME = /Build time(?:<\/td><td>|\s*\|\s*)([\d.]+) s/;

function describe(step: StepReport, fallback: string): string {
  return step.outcome === 'failure' ? (step.errors[0] ?? 'failed') : fallback;
}

/** A step's last message for the person reading (workflow commands left out). */
function lastMessage(step: StepReport): string {
  const lines = step.log
    .split('\n')
    .map((line) => line.replace(/^::(error|warning|notice)[^:]*::/, ''))
    .filter((line) => line.trim() !== '' && !line.startsWith('::'));
  return lines.at(-1)?.trim() ?? step.outcome;
}

/**
 * The pipeline's steps as the demo's phases: `image` splits into build and push (its job summary
 * gives the build time), and the post steps (logout, SSH key removal) make one `cleanup` phase.
 */
export function pipelinePhases(result: CommandResult, outputs: Record<string, string>): Phase[] {
  const phases: Phase[] = [];
  const posts = result.steps.filter((step) => step.label.startsWith('post '));
  for (const step of result.steps) {
    if (posts.includes(step)) continue;
    const base = { durationMs: step.durationMs, outcome: step.outcome };
    switch (step.label) {
      case 'target':
        phases.push({
          ...base,
          label: 'target',
          detail: describe(step, `environment ${outputs.environment}, namespace ${outputs.namespace}`),
        });
        break;
      case 'image': {
        const buildSeconds = BUILD_TIME.exec(step.summary)?.[1];
        const buildMs = buildSeconds === undefined ? undefined : Math.round(Number(buildSeconds) * 1000);
        if (buildMs === undefined || step.outcome !== 'success') {
          phases.push({ ...base, label: 'build+push', detail: describe(step, `${outputs['image-ref']}`) });
          break;
        }
        phases.push({
          label: 'build',
          durationMs: buildMs,
          outcome: 'success',
          detail: 'docker build of service/Dockerfile on the local Node bases',
        });
        phases.push({
          label: 'push',
          durationMs: Math.max(0, step.durationMs - buildMs),
          outcome: 'success',
          detail: `login, push by digest, digest read back: ${outputs.digest}`,
        });
        break;
      }
      case 'scan':
        phases.push({
          ...base,
          label: 'scan',
          detail: describe(
            step,
            `Trivy, offline on the local DB: ${outputs.total} finding(s), ${outputs.critical} critical, ${outputs.high} high, passed=${outputs['scan-passed']}`,
          ),
        });
        break;
      case 'tag': {
        const tags = (outputs.tags ?? '').split('\n').filter(Boolean).length;
        phases.push({
          ...base,
          label: 'tag',
          detail: describe(step, `${tags} tag(s) put on the scanned digest, after the gate passed`),
        });
        break;
      }
      case 'deploy':
        phases.push({
          ...base,
          label: 'deploy',
          detail: describe(
            step,
            outputs.bootstrapped === 'true'
              ? `first deploy: ${outputs.namespace} created from ${outputs.overlay}`
              : outputs.changed === 'true'
                ? `image set on the Deployment (was ${outputs['previous-image'] || 'none'})`
                : 'the Deployment already ran this image',
          ),
        });
        break;
      case 'rollout':
        phases.push({
          ...base,
          label: 'rollout',
          detail: describe(step, `${outputs.result}: ${outputs.reason}`),
        });
        break;
      default:
        phases.push({ ...base, label: step.label, detail: describe(step, lastMessage(step)) });
    }
  }
  if (posts.length > 0) {
    phases.push({
      label: 'cleanup',
      durationMs: posts.reduce((sum, step) => sum + step.durationMs, 0),
      outcome: posts.some((step) => step.outcome === 'failure') ? 'failure' : 'success',
      detail: `post steps: ${posts.map((step) => step.label.slice('post '.length)).join(', ')}`,
    });
  }
  return phases;
}
