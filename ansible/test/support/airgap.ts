import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Stand-ins for the release artefacts (nothing can be downloaded here): small files with the real names,
 * so that the roles' air-gap path (hash on the controller, compare with the pin, copy) runs for real.
 */
export interface AirgapDir {
  dir: string;
  sha256(file: string): string;
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function standInBinary(path: string, name: string): void {
  writeFileSync(path, `#!/bin/sh\n# stand-in for ${name} in the air-gap test\necho "${name} stand-in $*"\n`, {
    mode: 0o755,
  });
}

function standInArchive(path: string, members: readonly string[]): void {
  const staging = mkdtempSync(join(tmpdir(), 'airgap-archive-'));
  try {
    for (const member of members) standInBinary(join(staging, member), member);
    execFileSync('tar', ['--create', '--gzip', '--file', path, '--directory', staging, ...members]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function makeAirgapDir(arch = 'amd64'): AirgapDir {
  const dir = mkdtempSync(join(tmpdir(), 'ansible-airgap-'));
  mkdirSync(dir, { recursive: true });
  standInBinary(join(dir, 'k3s'), 'k3s');
  writeFileSync(join(dir, `k3s-airgap-images-${arch}.tar.zst`), Buffer.from('stand-in images archive\n'));
  for (const binary of ['kubeadm', 'kubelet', 'kubectl']) standInBinary(join(dir, binary), binary);
  standInArchive(join(dir, `cni-plugins-linux-${arch}-v1.6.2.tgz`), [
    'bridge',
    'host-local',
    'loopback',
    'portmap',
  ]);
  standInArchive(join(dir, `crictl-v1.32.0-linux-${arch}.tar.gz`), ['crictl']);
  writeFileSync(
    join(dir, 'kube-flannel.yml'),
    '# stand-in for the flannel manifest\napiVersion: v1\nkind: List\nitems: []\n',
  );
  return { dir, sha256: (file) => sha256Of(join(dir, file)) };
}
