import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError, run } from './exec.js';

/**
 * The login user of the SSH host. A dedicated unprivileged account, like the `ubuntu` or `deploy` user of
 * a real control-plane node, rather than root: what the deploy key can do there is what that user can do.
 * It is created once per machine and kept (removing it: `userdel --remove k8s-ship-deploy`).
 */
export const deployUser = 'k8s-ship-deploy';

export interface UserAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export async function lookUpUser(name: string): Promise<UserAccount | undefined> {
  try {
    const { stdout } = await run('getent', ['passwd', name]);
    const [, , uid, gid, , home] = stdout.trim().split(':');
    return { name, uid: Number(uid), gid: Number(gid), home: home ?? '' };
  } catch (error) {
    if (error instanceof CommandError && error.exitCode === 2) return undefined; // getent: no such key
    throw error;
  }
}

/**
 * Creates the login user when missing. Its password field is `*`: no password can ever match, yet the
 * account is not "locked" (`!`), which sshd without PAM would refuse even for key logins.
 */
export async function ensureDeployUser(name = deployUser): Promise<UserAccount> {
  let account = await lookUpUser(name);
  if (!account) {
    try {
      await run('useradd', [
        '--system',
        '--create-home',
        '--user-group',
        '--shell',
        '/bin/bash',
        '--password',
        '*',
        name,
      ]);
    } catch (error) {
      // Another sandbox may have created it at the same moment; only a still-missing user is an error.
      if (!(await lookUpUser(name))) throw error;
    }
    account = await lookUpUser(name);
    if (!account) throw new Error(`useradd did not create the user ${name}`);
  }
  // sshd's StrictModes accepts ~/.ssh only when the user owns it and nobody else can write to it.
  const sshDir = join(account.home, '.ssh');
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  chownSync(sshDir, account.uid, account.gid);
  return account;
}
