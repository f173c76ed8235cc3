import type { Clock } from '../../../lib/src/clock.js';
import { info } from '../../../lib/src/index.js';
import { PrometheusError, type PrometheusQuery } from '../../../lib/src/prometheus/index.js';
import {
  type AnalysedPods,
  type AnalysisSettings,
  type Figures,
  judge,
  measure,
  millis,
  type Verdict,
} from './analysis.js';
import type { ProgressiveDeploy } from './plan.js';

export interface StepObservation {
  prometheus: PrometheusQuery;
  pods: AnalysedPods;
  settings: AnalysisSettings;
  clock: Clock;
  /** How long the step lasts when all goes well: its analysis window. */
  stepMs: number;
  /** How often Prometheus is asked during the step. */
  intervalMs: number;
  /** What the log calls the step, e.g. `canary at 20 %`. */
  label: string;
}

export interface StepOutcome {
  figures: Figures;
  verdict: Verdict;
  /** Seconds from the start of the step to the verdict. */
  seconds: number;
}

const describe = (figures: Figures) =>
  `${figures.requests} requests, ${figures.errors} 5xx` +
  (figures.p99Seconds === undefined ? '' : `, p99 ${millis(figures.p99Seconds)}`);

/**
 * Watches one step: asks Prometheus every interval about the traffic since the step began. A failing
 * verdict on enough requests ends the step at once (the bad version serves no longer than needed); a pass
 * counts only at the end of the window.
 */
export async function observeStep(step: StepObservation): Promise<StepOutcome> {
  const { clock, stepMs, intervalMs } = step;
  const started = clock.now();
  let last: { figures: Figures; verdict: Verdict } | undefined;
  let lastError: Error | undefined;
  for (;;) {
    const remaining = stepMs - (clock.now() - started);
    await clock.sleep(Math.max(0, Math.min(intervalMs, remaining)));
    const elapsedMs = clock.now() - started;
    try {
      const figures = await measure(step.prometheus, step.pods, step.settings, elapsedMs / 1000);
      last = { figures, verdict: judge(figures, step.settings) };
      info(`${step.label}: ${describe(figures)} after ${Math.round(elapsedMs / 1000)} s`);
      if (last.verdict.outcome === 'fail') return { ...last, seconds: elapsedMs / 1000 };
    } catch (error) {
      if (!(error instanceof PrometheusError) || !error.transient) throw error;
      lastError = error;
      info(`${step.label}: ${error.message}; asking again`);
    }
    if (elapsedMs >= stepMs) {
      if (!last) throw lastError ?? new Error(`${step.label}: Prometheus gave no figures`);
      return { ...last, seconds: elapsedMs / 1000 };
    }
  }
}

/** One step of a progressive deploy: the variant's pods watched with the deploy's settings. */
export function observeVariant(
  deploy: Pick<
    ProgressiveDeploy,
    'prometheus' | 'namespace' | 'analysis' | 'clock' | 'stepMs' | 'intervalMs'
  >,
  variant: string,
  label: string,
): Promise<StepOutcome> {
  return observeStep({
    prometheus: deploy.prometheus,
    pods: { namespace: deploy.namespace, deployment: variant },
    settings: deploy.analysis,
    clock: deploy.clock,
    stepMs: deploy.stepMs,
    intervalMs: deploy.intervalMs,
    label,
  });
}
