/** Errors of the SSH connection, each saying what the user can do about it. */

/** The server presented a host key that matches none of the pins: possibly a changed host, possibly an attack. */
export class HostKeyRefusedError extends Error {
  constructor(
    readonly endpoint: string,
    readonly fingerprint: string,
    readonly keyType: string | undefined,
    pinnedFingerprints: readonly string[],
  ) {
    super(
      `The SSH host key of ${endpoint} is not pinned: the server presented ${keyType ?? 'a'} key ${fingerprint}, ` +
        `the pins are ${pinnedFingerprints.join(', ')}. If the host key was rotated on purpose, add the new key ` +
        'to the host-key input (check it out of band first, e.g. in the instance console output); otherwise ' +
        'someone may be in the middle of the connection.',
    );
    this.name = 'HostKeyRefusedError';
  }
}

/** The server refused our key for this user. */
export class SshAuthenticationError extends Error {
  constructor(
    readonly endpoint: string,
    readonly username: string,
  ) {
    super(
      `The SSH server ${endpoint} refused the private key for user '${username}': check that its public key ` +
        `is in ~${username}/.ssh/authorized_keys on the host and that the user name is right.`,
    );
    this.name = 'SshAuthenticationError';
  }
}

/** No connection could be made within the attempts (network, timeout, server not up). */
export class SshConnectError extends Error {
  constructor(
    readonly endpoint: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Could not connect to SSH server ${endpoint} after ${attempts} attempt(s): ${reason}`, { cause });
    this.name = 'SshConnectError';
  }
}

/** The connection dropped while a command ran. Its effect is unknown, so it is not run again. */
export class SshConnectionLostError extends Error {
  constructor(
    readonly endpoint: string,
    readonly command: string,
    readonly reason: string,
  ) {
    super(
      `The SSH connection to ${endpoint} dropped while a command ran (${reason}); it was not re-run because it ` +
        `may have changed something: ${command.slice(0, 200)}`,
    );
    this.name = 'SshConnectionLostError';
  }
}
