import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { descendantsOf, isOurProcess, run, startDaemonLogging, stopProcess, waitFor } from './exec.js';
import { repoRoot, sandboxDir, sandboxPath, sandboxSubdir } from './paths.js';
import { freeLoopbackPort, loopback, portAnswers } from './ports.js';
import { writePrivateFile } from './private-files.js';
import { ensureEd25519Key, knownHostsLine, sha256Fingerprint } from './ssh-keys.js';
import { ensureDeployUser } from './ssh-user.js';
import type { SshRecord, Starter } from './state.js';

/** Where the deploy user's kubeconfig lives; the SSH host's sessions point at it. */
export function kubeconfigPath(): string {
  return sandboxPath('kubeconfig');
}

// sshd_config has its own quoting and expands %-tokens in some paths: accept only plain paths.
function plainPath(path: string): string {
  if (!/^[\w./-]+$/.test(path)) {
    throw new Error(
      `SANDBOX_DIR gives the path '${path}', which sshd_config cannot hold: expected only letters, digits and . _ - /`,
    );
  }
  return path;
}

function directoryOnPath(program: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, program))) return dir;
  }
  throw new Error(`${program} is not on PATH (${process.env.PATH}): the SSH host needs it for its sessions`);
}

export interface SshdConfigInput {
  port: number;
  /** The one port on 127.0.0.1 the deploy user may forward to: Prometheus's, for the deploy analysis. */
  prometheusPort: number;
  hostKey: string;
  pidFile: string;
  authorizedKeysFile: string;
  user: string;
  kubeconfig: string;
  kubectlDir: string;
}

export function sshdConfig(input: SshdConfigInput): string {
  return `${[
    `Port ${input.port}`,
    `ListenAddress ${loopback}`,
    `HostKey ${plainPath(input.hostKey)}`,
    `PidFile ${plainPath(input.pidFile)}`,
    `AuthorizedKeysFile ${plainPath(input.authorizedKeysFile)}`,
    `AllowUsers ${input.user}`,
    'PubkeyAuthentication yes',
    'AuthenticationMethods publickey',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    'PermitEmptyPasswords no',
    'StrictModes yes',
    // Without PAM, so that the sandbox does not depend on the machine's PAM stack.
    'UsePAM no',
    'X11Forwarding no',
    'AllowAgentForwarding no',
    // Local forwards (ssh -L, ssh2 forwardOut) to Prometheus only, as ansible/roles/deploy_user allows on a
    // node: the deploy actions query it through the SSH connection. No remote forwards or sockets.
    'AllowTcpForwarding local',
    `PermitOpen ${loopback}:${input.prometheusPort}`,
    'PermitListen none',
    'AllowStreamLocalForwarding no',
    'GatewayPorts no',
    'PermitTunnel no',
    'PermitUserEnvironment no',
    'PrintMotd no',
    'LogLevel VERBOSE',
    // What the control-plane node gives its login user: kubectl on PATH and a kubeconfig.
    `SetEnv KUBECONFIG=${plainPath(input.kubeconfig)} PATH=${plainPath(input.kubectlDir)}:/usr/local/bin:/usr/bin:/bin`,
    'Subsystem sftp internal-sftp',
  ].join('\n')}\n`;
}

/**
 * The deploy key's options: `restrict` (no pty, no agent or X11 forwarding), then local forwarding given
 * back for Prometheus's address alone; sshd's PermitOpen says the same, so either one alone still holds.
 */
export function deployKeyOptions(prometheusPort: number): string {
  return `restrict,port-forwarding,permitopen="${loopback}:${prometheusPort}"`;
}

/** One authorized-keys file per state directory, so that two sandboxes on one machine never share keys. */
function authorizedKeysName(): string {
  const instance = createHash('sha256').update(sandboxDir()).digest('hex').slice(0, 12);
  return `authorized_keys.k8s-ship-sandbox-${instance}`;
}

export async function sshHostIsHealthy(record: SshRecord): Promise<boolean> {
  return (
    isOurProcess(record.sshdPid, record.sshdConfig) &&
    isOurProcess(record.gatePid, record.gateControlSocket) &&
    (await portAnswers(record.gatePort))
  );
}

/**
 * Starts OpenSSH sshd on 127.0.0.1 with its own ed25519 host key and an authorized deploy key, and the SSH
 * gate in front of it (ssh-gate.ts): clients connect to the gate's port, whose connections tests can cut.
 */
export async function startSshHost(
  previous: SshRecord | undefined,
  startedBy: Starter,
  prometheusPort: number,
  kubectlDir: string = directoryOnPath('kubectl'),
): Promise<SshRecord> {
  const dir = sandboxSubdir('ssh');
  chmodSync(dir, 0o700);
  const account = await ensureDeployUser();

  const hostKey = join(dir, 'host_ed25519_key');
  const hostPublicKey = await ensureEd25519Key(hostKey, 'k8s-ship-sandbox-host');
  const privateKeyFile = join(dir, 'deploy_key');
  const deployPublicKey = await ensureEd25519Key(privateKeyFile, 'k8s-ship-sandbox-deploy');

  // The deploy key runs commands and forwards to Prometheus, nothing else.
  const authorizedKeysFile = join(account.home, '.ssh', authorizedKeysName());
  writePrivateFile(authorizedKeysFile, `${deployKeyOptions(prometheusPort)} ${deployPublicKey}\n`, account);

  // The deploy user reads its kubeconfig through the state directory, so that folder must be traversable.
  const kubeconfig = kubeconfigPath();
  chmodSync(dirname(kubeconfig), 0o711);
  // kube starts before ssh: on a machine's first `up` it wrote the kubeconfig before this user existed.
  if (existsSync(kubeconfig)) chownSync(kubeconfig, account.uid, account.gid);

  const sshdPort = await freeLoopbackPort(previous?.sshdPort);
  const sshdConfigFile = join(dir, 'sshd_config');
  writePrivateFile(
    sshdConfigFile,
    sshdConfig({
      port: sshdPort,
      prometheusPort,
      hostKey,
      pidFile: join(dir, 'sshd.pid'),
      authorizedKeysFile,
      user: account.name,
      kubeconfig,
      kubectlDir,
    }),
  );
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation directory
  await run('/usr/sbin/sshd', ['-t', '-f', sshdConfigFile]);

  // sshd re-executes itself, so it must be started by its absolute path; -D keeps it in the foreground
  // so that the pid we record is the listener's.
  const sshdLog = join(dir, 'sshd.log');
  const sshdPid = startDaemonLogging('/usr/sbin/sshd', ['-D', '-f', sshdConfigFile, '-E', sshdLog], sshdLog);
  await waitFor(
    `sshd on ${loopback}:${sshdPort} (log: ${sshdLog})`,
    () => portAnswers(sshdPort),
    20_000,
    sshdPid,
  );

  const gatePort = await freeLoopbackPort(previous?.gatePort);
  const gateControlSocket = join(dir, 'gate.sock');
  const gateLog = join(dir, 'gate.log');
  const gatePid = startDaemonLogging(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'sandbox', 'src', 'ssh-gate-main.ts'),
      '--listen',
      String(gatePort),
      '--target',
      String(sshdPort),
      '--control',
      gateControlSocket,
    ],
    gateLog,
    { cwd: repoRoot },
  );
  await waitFor(
    `the SSH gate on ${loopback}:${gatePort} (log: ${gateLog})`,
    async () => existsSync(gateControlSocket) && portAnswers(gatePort),
    20_000,
    gatePid,
  );

  const knownHostsFile = join(dir, 'known_hosts');
  const line = knownHostsLine(loopback, gatePort, hostPublicKey);
  writeFileSync(knownHostsFile, `${line}\n${knownHostsLine(loopback, sshdPort, hostPublicKey)}\n`);

  return {
    sshdPid,
    sshdPort,
    sshdConfig: sshdConfigFile,
    gatePid,
    gatePort,
    gateControlSocket,
    user: account.name,
    privateKeyFile,
    authorizedKeysFile,
    knownHostsFile,
    knownHostsLine: line,
    hostKeyFingerprint: await sha256Fingerprint(`${hostKey}.pub`),
    kubeconfig,
    prometheusPort,
    startedBy,
  };
}

/** Stops the gate, sshd and every session sshd forked (they outlive the listener otherwise). */
export async function stopSshHost(record: SshRecord): Promise<void> {
  const stops: Promise<void>[] = [];
  if (isOurProcess(record.gatePid, record.gateControlSocket)) stops.push(stopProcess(record.gatePid));
  if (isOurProcess(record.sshdPid, record.sshdConfig)) {
    const sessions = descendantsOf(record.sshdPid);
    await stopProcess(record.sshdPid);
    for (const pid of sessions) stops.push(stopProcess(pid, 5000));
  }
  await Promise.all(stops);
  rmSync(record.authorizedKeysFile, { force: true });
}
