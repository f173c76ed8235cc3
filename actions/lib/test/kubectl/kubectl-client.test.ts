import { describe, expect, it } from 'vitest';
import { KubectlError, KubectlNotFoundError, sshKubectl } from '../../src/kubectl/index.js';
import { FakeRemoteShell } from '../fakes/remote-shell.js';

describe('KubectlClient over a remote shell', () => {
  it('builds one quoted command line with set -eu, the kubectl path and the kubeconfig', async () => {
    const shell = new FakeRemoteShell(() => ({ stdout: 'ok' }));
    const kubectl = sshKubectl(shell, {
      kubectlPath: '/usr/local/bin/kubectl',
      kubeconfigPath: "/etc/k 3s/it's.yaml",
    });
    const result = await kubectl.run(['get', 'ns', 'a b']);
    expect(result.stdout).toBe('ok');
    expect(shell.calls[0]?.command).toBe(
      `set -eu; exec /usr/local/bin/kubectl --kubeconfig '/etc/k 3s/it'\\''s.yaml' get ns 'a b'`,
    );
  });

  it('leaves out --kubeconfig when no path is given', async () => {
    const shell = new FakeRemoteShell();
    await sshKubectl(shell).run(['version']);
    expect(shell.calls[0]?.command).toBe('set -eu; exec kubectl version');
  });

  it('marks only read-only commands as safe to re-run after a dropped connection', async () => {
    const shell = new FakeRemoteShell();
    const kubectl = sshKubectl(shell);
    await kubectl.run(['get', 'pods'], { readOnly: true });
    await kubectl.run(['delete', 'pod', 'x']);
    expect(shell.calls.map((call) => call.options.safeToRerun)).toEqual([true, false]);
  });

  it('passes stdin through', async () => {
    const shell = new FakeRemoteShell();
    await sshKubectl(shell).run(['apply', '-f', '-'], { stdin: 'kind: Namespace' });
    expect(shell.calls[0]?.options.stdin).toBe('kind: Namespace');
  });

  it('throws KubectlError with the exit code and stderr, and tells NotFound apart', async () => {
    const shell = new FakeRemoteShell(() => ({
      exitCode: 1,
      stderr: 'Error from server (NotFound): deployments.apps "x" not found\n',
    }));
    const error = await sshKubectl(shell)
      .run(['get', 'deployment', 'x'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubectlError);
    expect((error as KubectlError).notFound).toBe(true);
    expect((error as KubectlError).message).toContain('exit code 1');
    expect((error as KubectlError).message).toContain('deployments.apps "x" not found');
  });

  it('does not call a forbidden error NotFound', async () => {
    const shell = new FakeRemoteShell(() => ({ exitCode: 1, stderr: 'Error from server (Forbidden): nope' }));
    const error = (await sshKubectl(shell)
      .run(['get', 'deployment', 'x'])
      .catch((e: unknown) => e)) as KubectlError;
    expect(error.notFound).toBe(false);
  });

  it('returns the result instead of throwing with ignoreExitCode', async () => {
    const shell = new FakeRemoteShell(() => ({ exitCode: 3, stderr: 'bad' }));
    const result = await sshKubectl(shell).run(['x'], { ignoreExitCode: true });
    expect(result).toEqual({ exitCode: 3, stdout: '', stderr: 'bad' });
  });

  it('says kubectl is missing on the host when the shell reports exit code 127', async () => {
    const shell = new FakeRemoteShell(() => ({
      exitCode: 127,
      stderr: 'sh: 1: exec: /opt/kubectl: not found',
    }));
    const error = await sshKubectl(shell, { kubectlPath: '/opt/kubectl' })
      .run(['version'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubectlNotFoundError);
    expect((error as Error).message).toContain("'/opt/kubectl'");
    expect((error as Error).message).toContain('deploy@fake-host:22');
  });
});
