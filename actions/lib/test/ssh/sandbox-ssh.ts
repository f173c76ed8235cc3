import { readFileSync } from 'node:fs';
import type { SandboxEndpoints } from '../../../../sandbox/src/endpoints.js';
import { parseHostKeyPins, SshConnection } from '../../src/ssh/index.js';

/** One SSH connection to the sandbox's SSH host as the deploy user, its host key pinned. */
export function openSandboxSsh(ssh: NonNullable<SandboxEndpoints['ssh']>): Promise<SshConnection> {
  return SshConnection.open({
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    privateKey: readFileSync(ssh.privateKeyFile, 'utf8'),
    hostKeys: { pins: parseHostKeyPins(ssh.knownHostsLine) },
    connectAttempts: 2,
    retryBaseMs: 50,
  });
}
