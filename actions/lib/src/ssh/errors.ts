/** Errors of the SSH connection, each saying what the user can do about it. */
import { type HostKeyPin, type HostKeyRefusal, pinAppliesTo } from './host-key.js';
import { describeHostNames, knownHostsName } from './known-hosts-names.js';

/**
 * The server presented a host key that no pin for this host has: possibly a changed host, possibly an
 * attack. The message says which of the three it is: a key pinned nowhere, a key pinned only by
 * known_hosts lines for other host names (OpenSSH refuses those too), or a revoked key.
 */
export class HostKeyRefusedError extends Error {
  readonly fingerprint: string;
  readonly keyType: string | undefined;
  readonly reason: HostKeyRefusal['reason'];

  constructor(
    readonly endpoint: string,
    refusal: HostKeyRefusal & { fingerprint: string; keyType?: string },
    pins: readonly HostKeyPin[],
  ) {
    const presented = `the server presented ${refusal.keyType ?? 'a'} key ${refusal.fingerprint}`;
    const name = knownHostsName(refusal.host, refusal.port);
    let message: string;
    if (refusal.reason === 'revoked') {
      message =
        `The SSH host key of ${endpoint} is revoked: ${presented}, which ${refusal.pin.source} marks @revoked ` +
        'for this host. The node may still have a retired key, or someone may be in the middle of the ' +
        'connection: check the key out of band (e.g. in the instance console output).';
    } else if (refusal.reason === 'other-host') {
      const lines = refusal.pins
        .map((pin) => `${pin.source} has it for ${pin.hosts ? describeHostNames(pin.hosts) : 'any host'}`)
        .join(', ');
      message =
        `The SSH host key of ${endpoint} is pinned only for other host names: ${presented}; ${lines}; ` +
        `none for '${name}', the name looked up for this host and port (as OpenSSH does: the host as ` +
        'given, [host]:port when the port is not 22). A known_hosts line pins its key only for the ' +
        `hosts it names. If this is that node under another name, add '${name}' to the line's first field ` +
        '(or pin the key by its SHA256 fingerprint, which holds for any host); otherwise someone may be in ' +
        'the middle of the connection.';
    } else {
      const applicable = pins.filter((pin) => !pin.revoked && pinAppliesTo(pin, refusal.host, refusal.port));
      const others = pins.filter((pin) => !pin.revoked && !applicable.includes(pin));
      const ignored =
        others.length > 0
          ? ` (${others.map((pin) => `${pin.source} is for ${pin.hosts ? describeHostNames(pin.hosts) : 'any host'}`).join(', ')}, not for '${name}')`
          : '';
      message =
        `The SSH host key of ${endpoint} is not pinned: ${presented}, the pins for '${name}' are ` +
        `${applicable.map((pin) => pin.fingerprint).join(', ') || 'none'}${ignored}. If the host key was ` +
        'rotated on purpose, add the new key to the host-key input (check it out of band first, e.g. in the ' +
        'instance console output); otherwise someone may be in the middle of the connection.';
    }
    super(message);
    this.name = 'HostKeyRefusedError';
    this.fingerprint = refusal.fingerprint;
    this.keyType = refusal.keyType;
    this.reason = refusal.reason;
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
