import type { Clock } from '../../../lib/src/clock.js';
import type { PrometheusQuery } from '../../../lib/src/prometheus/index.js';
import type { DeployTarget } from '../../../lib/src/target/index.js';
import type { AnalysisSettings, Figures, Verdict } from './analysis.js';

export const STRATEGIES = ['rolling', 'canary', 'blue-green'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What a progressive deploy works with, whichever the strategy. */
export interface ProgressiveDeploy {
  target: DeployTarget;
  prometheus: PrometheusQuery;
  clock: Clock;
  namespace: string;
  /** The stable Deployment: it ends on the new images when the new version passes. */
  deployment: string;
  images: Readonly<Record<string, string>>;
  changeCause: string;
  analysis: AnalysisSettings;
  /** Each step's analysis window. */
  stepMs: number;
  /** How often Prometheus is asked within a step. */
  intervalMs: number;
  /** How long pods may take to become ready (the variant's, then the stable's on promotion). */
  readyTimeoutMs: number;
}

export interface StepReport {
  /** `canary 20 %`, `green`. */
  label: string;
  /** The new version's share of the ready pods behind the Service, 0..1. */
  weight: number;
  figures: Figures;
  verdict: Verdict;
  /** Seconds the step ran before its verdict. */
  seconds: number;
}

export interface ProgressiveResult {
  strategy: Exclude<Strategy, 'rolling'>;
  outcome: 'promoted' | 'aborted';
  steps: StepReport[];
  /** Why it was aborted: the figures that failed, or what went wrong with the new version's pods. */
  reasons: string[];
  /** From the abort's decision to traffic back on the stable version only, in seconds. */
  rollbackSeconds?: number;
}
