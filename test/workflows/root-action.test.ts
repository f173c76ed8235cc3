import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readActionMetadata } from '../../actions/lib/src/metadata.js';
import { repoRoot } from '../../runner/src/paths.js';

interface Step {
  id: string;
  uses: string;
  with: Record<string, string>;
}

const root = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};
const steps = root.runs.steps;
/**
 * The action folder a step uses: `./actions/NAME` on main, `OWNER/REPO/actions/NAME@SHA` in a release
 * commit (scripts/release-refs.ts), so that these checks hold for both.
 */
const actionPath = (uses: string) => uses.replace(/^[\w.-]+\/[\w.-]+\/(.*)@[0-9a-f]{40}$/, './$1');
const metadataOf = (step: Step) => readActionMetadata(join(repoRoot, actionPath(step.uses), 'action.yml'));
const INPUT_ONLY = /^\$\{\{ inputs\.([\w-]+) \}\}$/;
const STEP_OUTPUT = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/;
/** A fixed choice of the composite, e.g. `phase: start`: plain words, no expression. */
const LITERAL = /^[\w-]+$/;

describe('the root composite action', () => {
  it('runs the pipeline’s actions in order, each from this repository', () => {
    expect(root.runs.using).toBe('composite');
    expect(steps.map((step) => actionPath(step.uses))).toEqual([
      './actions/branch-to-namespace',
      './actions/deployment-status',
      './actions/build-push',
      './actions/trivy-scan',
      './actions/tag-image',
      './actions/ssh-set-image',
      './actions/rollout-wait',
      './actions/deployment-status',
    ]);
  });

  it('records the GitHub deployment after the target is known, and its result whatever failed before', () => {
    const start = steps[1] as Step & { if?: string };
    const finish = steps.at(-1) as Step & { if?: string };
    expect(start).toMatchObject({ id: 'deployment-start', with: { phase: 'start' } });
    expect(start.if).toBeUndefined();
    expect(finish).toMatchObject({
      id: 'deployment-finish',
      if: 'always()',
      with: {
        phase: 'finish',
        'deployment-id': `\${{ steps.deployment-start.outputs.deployment-id }}`,
        result: `\${{ steps.rollout.outputs.result }}`,
      },
    });
  });

  it('pushes by digest, scans that digest, tags it only after the scan, and deploys it by digest', () => {
    const byId = new Map(steps.map((step) => [step.id, step]));
    expect(byId.get('image')?.with['push-by-digest']).toBe('true');
    expect(byId.get('scan')?.with['image-ref']).toBe(`\${{ steps.image.outputs.image-ref }}`);
    expect(byId.get('tag')?.with).toMatchObject({
      image: `\${{ steps.image.outputs.image-ref }}`,
      tags: `\${{ steps.image.outputs.tags }}`,
    });
    expect(byId.get('deploy')?.with.image).toBe(`\${{ steps.tag.outputs.image-ref }}`);
    expect(root.outputs.tags?.value).toBe(`\${{ steps.tag.outputs.tags }}`);
  });

  it('passes only inputs the step declares, and gives every required one', () => {
    for (const step of steps) {
      const declared = metadataOf(step).inputs;
      expect(
        Object.keys(step.with).filter((name) => !(name in declared)),
        step.id,
      ).toEqual([]);
      const required = Object.entries(declared).filter(
        ([, spec]) => spec.required && spec.default === undefined,
      );
      expect(
        required.map(([name]) => name).filter((name) => !(name in step.with)),
        step.id,
      ).toEqual([]);
    }
  });

  it('passes each value as one whole expression of an input or an earlier step’s declared output, or a word', () => {
    const earlier = new Map<string, Set<string>>();
    for (const step of steps) {
      for (const [name, value] of Object.entries(step.with)) {
        const fromInput = INPUT_ONLY.exec(value);
        const fromStep = STEP_OUTPUT.exec(value);
        if (fromInput)
          expect(root.inputs, `${step.id}.with.${name}`).toHaveProperty([fromInput[1] as string]);
        else if (fromStep)
          expect(earlier.get(fromStep[1] as string)?.has(fromStep[2] as string), value).toBe(true);
        else if (!LITERAL.test(String(value)))
          expect.fail(`${step.id}.with.${name} is '${value}', neither an input, a step output nor a word`);
      }
      earlier.set(step.id, new Set(Object.keys(metadataOf(step).outputs)));
    }
  });

  it('keeps each passed-through input’s default equal to the step’s own default', () => {
    // An empty string passed through with: overrides the step's default, so the root must repeat it.
    const mismatches: string[] = [];
    for (const step of steps) {
      const declared = metadataOf(step).inputs;
      for (const [name, value] of Object.entries(step.with)) {
        const input = INPUT_ONLY.exec(value)?.[1];
        if (input === undefined) continue;
        const ours = root.inputs[input]?.default;
        const theirs = declared[name]?.default;
        if ((ours ?? '') !== (theirs ?? ''))
          mismatches.push(`${input}: '${ours}' vs ${step.id}.${name}: '${theirs}'`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('maps every output from a step output that step declares', () => {
    const byId = new Map(steps.map((step) => [step.id, step]));
    for (const [name, spec] of Object.entries(root.outputs)) {
      const match = STEP_OUTPUT.exec(spec.value);
      expect(match, name).not.toBeNull();
      const step = byId.get(match?.[1] as string);
      expect(step, name).toBeDefined();
      expect(Object.keys(metadataOf(step as Step).outputs), name).toContain(match?.[2]);
    }
    expect(Object.keys(root.outputs)).toEqual(
      expect.arrayContaining([
        'environment',
        'namespace',
        'image-ref',
        'critical',
        'high',
        'total',
        'scan-passed',
      ]),
    );
  });
});
