import { describe, expect, it } from 'vitest';
import { CommandNotFoundError } from '../../src/command.js';
import { kustomizeBuild, localKubectlPath } from '../../src/kubectl/kustomize.js';
import { FakeCommandRunner } from '../fakes/command-runner.js';

describe('kustomizeBuild', () => {
  it('runs `kubectl kustomize DIR` through the runner and hands back the manifests and the warnings', async () => {
    const runner = new FakeCommandRunner(() => ({ stdout: 'kind: Namespace\n', stderr: 'deprecated\n' }));
    const output = await kustomizeBuild('/overlay', { kubectl: '/opt/kubectl', runner });
    expect(output).toEqual({ yaml: 'kind: Namespace\n', stderr: 'deprecated\n' });
    expect(runner.calls.map(({ file, args }) => [file, ...args])).toEqual([
      ['/opt/kubectl', 'kustomize', '/overlay'],
    ]);
  });

  it('names the directory and kustomize’s own words when the render fails', async () => {
    const runner = new FakeCommandRunner(() => ({ exitCode: 1, stderr: 'Error: no kustomization\n' }));
    await expect(kustomizeBuild('/overlay', { runner })).rejects.toThrow(
      'kubectl kustomize /overlay failed: Error: no kustomization',
    );
  });

  it('says how to get kubectl when there is none', async () => {
    const runner = new FakeCommandRunner(({ file }) => {
      throw new CommandNotFoundError(file);
    });
    await expect(kustomizeBuild('/overlay', { kubectl: 'kubectl-1.32', runner })).rejects.toThrow(
      "kubectl not found (tried 'kubectl-1.32'): install kubectl 1.32 or set KUBECTL to its path",
    );
  });

  it('takes $KUBECTL as the local kubectl, else the one on PATH', () => {
    expect(localKubectlPath({ KUBECTL: '/opt/kubectl' })).toBe('/opt/kubectl');
    expect(localKubectlPath({})).toBe('kubectl');
  });
});
