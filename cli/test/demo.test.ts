import { describe, expect, it } from 'vitest';
import { parseArguments } from '../src/arguments.js';
import { listCommands, PIPELINE_COMMAND } from '../src/commands.js';
import { type PipelinePlan, pipelineArguments } from '../src/demo/pipeline-arguments.js';
import { pipelinePhases } from '../src/demo/pipeline-phases.js';
import { buildToReadyMs } from '../src/demo/report.js';
import { Timeline } from '../src/demo/timeline.js';
import type { CommandResult, StepReport } from '../src/run-command.js';

const plan: PipelinePlan = {
  ssh: {
    host: '127.0.0.1',
    port: 2222,
    user: 'k8s-ship-deploy',
    privateKeyFile: '/state/ssh/deploy_key',
    knownHostsFile: '/state/ssh/known_hosts',
    knownHostsLine: '[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake',
    hostKeyFingerprint: 'SHA256:fake',
    kubeconfig: '/state/kubeconfig',
    sshdPort: 2223,
  },
  registry: { address: '127.0.0.1:5000', username: 'k8s-ship' },
  repository: 'k8s-ship/service',
  baseImages: { build: 'k8s-ship.local/node-build:20', runtime: 'k8s-ship.local/node-runtime:20' },
  imageLabel: 'k8s-ship.demo=true',
  trivyCacheDir: '/state/demo/trivy-cache',
  namespacePrefix: '',
};

function step(label: string, durationMs: number, extra: Partial<StepReport> = {}): StepReport {
  return { label, outcome: 'success', durationMs, log: '', errors: [], summary: '', ...extra };
}

const outputs = {
  environment: 'dev',
  namespace: 'dev',
  overlay: 'k8s/overlays/dev',
  'image-ref': '127.0.0.1:5000/k8s-ship/service@sha256:abc',
  digest: 'sha256:abc',
  total: '4',
  critical: '0',
  high: '0',
  'scan-passed': 'true',
  bootstrapped: 'false',
  changed: 'true',
  'previous-image': '127.0.0.1:5000/k8s-ship/service@sha256:old',
  result: 'succeeded',
  reason: 'deployment/metrics-api rolled out revision 2',
};

describe('the demo’s pipeline arguments', () => {
  it('are all inputs of the root action or CLI flags, with no secret on argv', () => {
    const pipeline = listCommands().find((command) => command.name === PIPELINE_COMMAND)!;
    const inputs = Object.keys(pipeline.metadata.inputs);
    const argv = pipelineArguments(plan).slice(1);
    const parsed = parseArguments(argv, inputs, [], () => 'key file contents');
    expect(parsed.json).toBe(true);
    expect(parsed.globals).toEqual({ branch: 'dev' });
    expect(parsed.inputs).toMatchObject({
      'namespace-prefix': '',
      'overlay-root': 'k8s/overlays',
      deployment: 'metrics-api',
      'trivy-source': 'path',
      'build-args': 'BUILD_IMAGE=k8s-ship.local/node-build:20\nRUNTIME_IMAGE=k8s-ship.local/node-runtime:20',
      'private-key': 'key file contents',
      'host-key': plan.ssh.knownHostsLine,
    });
    expect(parsed.inputs).not.toHaveProperty('password');
  });

  it('ship the branch, a hand-picked environment as a manual run, preview switch and extra inputs they are given', () => {
    const pipeline = listCommands().find((command) => command.name === PIPELINE_COMMAND)!;
    const argv = pipelineArguments({
      ...plan,
      branch: 'feature/cart',
      environment: 'stage',
      preview: true,
      extraArguments: ['--crash-loop-restarts', '1'],
    }).slice(1);
    const parsed = parseArguments(argv, Object.keys(pipeline.metadata.inputs), [], () => 'key');
    expect(parsed.globals).toEqual({ branch: 'feature/cart', event: 'workflow_dispatch' });
    expect(parsed.inputs).toMatchObject({
      environment: 'stage',
      preview: 'true',
      'crash-loop-restarts': '1',
    });
  });
});

describe('pipelinePhases()', () => {
  it('splits the image step into build and push by the build time in its job summary', () => {
    const result: CommandResult = {
      succeeded: true,
      outputs,
      steps: [
        step('target', 300),
        step('image', 15_000, { summary: '<tr><td>Build time</td><td>11.0 s</td></tr>' }),
        step('scan', 1600),
        step('tag', 200),
        step('deploy', 2500),
        step('rollout', 5600),
        step('post deploy', 700),
        step('post image', 200),
      ],
    };
    const phases = pipelinePhases(result, outputs);
    expect(phases.map((phase) => [phase.label, phase.durationMs])).toEqual([
      ['target', 300],
      ['build', 11_000],
      ['push', 4000],
      ['scan', 1600],
      ['tag', 200],
      ['deploy', 2500],
      ['rollout', 5600],
      ['cleanup', 900],
    ]);
    expect(phases.find((phase) => phase.label === 'scan')?.detail).toMatch(
      /^Trivy, offline on the local DB: /,
    );
    expect(phases.find((phase) => phase.label === 'tag')?.detail).toMatch(
      /^\d+ tag\(s\) put on the scanned digest, after the gate passed$/,
    );
    expect(buildToReadyMs(phases)).toBe(300 + 11_000 + 4000 + 1600 + 200 + 2500 + 5600);
  });

  it('keeps build and push together, with the error, when the image step failed', () => {
    const result: CommandResult = {
      succeeded: false,
      outputs: {},
      steps: [
        step('target', 300),
        step('image', 4000, { outcome: 'failure', errors: ['docker build failed'] }),
        step('scan', 0, { outcome: 'skipped' }),
      ],
    };
    const phases = pipelinePhases(result, {});
    expect(phases[1]).toMatchObject({
      label: 'build+push',
      outcome: 'failure',
      detail: 'docker build failed',
    });
    expect(phases[2]).toMatchObject({ label: 'scan', outcome: 'skipped' });
  });

  it('describes other steps by their last message', () => {
    const result: CommandResult = {
      succeeded: true,
      outputs: {},
      steps: [
        step('deployment-start', 700, { log: '::debug::x\n::notice::No GitHub token: not recorded.\n' }),
      ],
    };
    expect(pipelinePhases(result, {})[0]?.detail).toBe('No GitHub token: not recorded.');
  });
});

describe('Timeline', () => {
  it('times each phase, and a phase that throws fails with its message', async () => {
    let now = 0;
    let printed = '';
    const timeline = new Timeline({ write: (text: string) => (printed += text) }, () => now);
    await timeline.run('sandbox', 'Sandbox', async () => {
      now += 2500;
      return 'reused docker';
    });
    await expect(
      timeline.run('bundle', 'Bundle', async () => {
        now += 1000;
        throw new Error('ncc failed');
      }),
    ).rejects.toThrow('ncc failed');
    expect(timeline.succeeded).toBe(false);
    expect(printed).toContain('✓ sandbox (2.5s)');
    expect(printed).toContain('✗ bundle (1.0s): ncc failed');
    expect(timeline.table()).toMatch(
      /✓ sandbox\s+2\.5s {2}reused docker\n {2}✗ bundle\s+1\.0s {2}ncc failed/,
    );
  });
});
