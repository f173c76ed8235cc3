/*
 * From validated connection settings to an open SSH connection: find the node on EC2 when asked, open the
 * temporary ingress rule when asked (recorded in state first, so the post step can always remove it),
 * then connect. `closeTemporaryAccess` (ingress-cleanup.ts) is the post step's half.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { throwIfAborted } from '../abortable.js';
import { resolveAwsRegion } from '../aws.js';
import { ConfigurationError } from '../errors.js';
import { info } from '../log.js';
import { SshConnection } from './connection.js';
import type { SshConnectionSettings } from './connection-inputs.js';
import { describeQuery, findEc2Host } from './ec2-host.js';
import { createEc2Client } from './ec2-sdk.js';
import { openTemporaryIngress, type TemporaryIngressRule } from './ingress.js';
import { sshAccessState } from './ingress-cleanup.js';
import { resolveRunnerAddress } from './runner-address.js';

export interface SshAccessDeps {
  /** EC2 client for a region; tests hand in one mocked with aws-sdk-client-mock. */
  ec2: (region: string) => Promise<EC2Client>;
  fetch: typeof fetch;
  /** Names the rule in EC2 so that a person can tell whose it is. */
  ruleDescription: string;
}

export const defaultSshAccessDeps = (env = process.env): SshAccessDeps => ({
  ec2: createEc2Client,
  fetch,
  ruleDescription:
    `k8s-ship temporary SSH access for run ${env.GITHUB_RUN_ID ?? 'local'} of ${env.GITHUB_REPOSITORY ?? 'a workflow'}`
      .replace(/[^A-Za-z0-9. _:/()#,@[\]+=&;{}!$*-]/g, '_')
      .slice(0, 255),
});

/**
 * Resolves the host, opens the temporary ingress if asked, and connects. `signal` (the step's deadline)
 * cuts the connection attempts; after it fired nothing new starts (AbortedError).
 */
export async function openSshAccess(
  settings: SshConnectionSettings,
  deps: SshAccessDeps,
  signal?: AbortSignal,
): Promise<SshConnection> {
  const what = `opening SSH access to ${'ec2' in settings.target ? 'the EC2 node' : settings.target.host}`;
  throwIfAborted(signal, what);
  const needsAws = 'ec2' in settings.target || settings.temporaryIngress !== undefined;
  const region = needsAws ? resolveAwsRegion('aws-region', settings.awsRegion) : undefined;
  const ec2 = region ? await deps.ec2(region) : undefined;

  let host: string;
  let instanceGroups: string[] = [];
  if ('ec2' in settings.target) {
    const found = await findEc2Host(ec2 as EC2Client, settings.target.ec2, settings.target.addressKind);
    info(`EC2: ${describeQuery(settings.target.ec2)} is ${found.instanceId} at ${found.address}`);
    host = found.address;
    instanceGroups = found.securityGroupIds;
  } else host = settings.target.host;

  if (settings.temporaryIngress) {
    throwIfAborted(signal, what);
    const groupId = settings.temporaryIngress.securityGroupId ?? onlyGroup(instanceGroups);
    const address = await resolveRunnerAddress(
      settings.temporaryIngress.runnerIp,
      settings.temporaryIngress.runnerIpUrl,
      deps.fetch,
    );
    const rule: TemporaryIngressRule = { groupId, port: settings.port, cidr: `${address}/32` };
    // Saved before the call: if the run is cancelled while EC2 answers, the post step still removes it.
    sshAccessState.save('ssh-temporary-ingress', { status: 'pending', region: region as string, rule });
    const opened = await openTemporaryIngress(ec2 as EC2Client, rule, deps.ruleDescription);
    sshAccessState.save('ssh-temporary-ingress', {
      status: opened.created ? 'created' : 'pre-existing',
      region: region as string,
      rule: opened.rule,
    });
    info(
      opened.created
        ? `Opened TCP ${rule.port} in ${groupId} to ${rule.cidr} for this run (removed in the post step)`
        : `TCP ${rule.port} in ${groupId} is already open to ${rule.cidr}: that rule is not ours and stays`,
    );
  }

  throwIfAborted(signal, what);
  return SshConnection.open(
    {
      host,
      port: settings.port,
      username: settings.username,
      privateKey: settings.privateKey,
      ...(settings.passphrase !== undefined && { passphrase: settings.passphrase }),
      hostKeys: settings.hostKeys,
      ...(settings.jump && { jump: settings.jump }),
      connectTimeoutMs: settings.connectTimeoutMs,
      connectAttempts: settings.connectAttempts,
    },
    signal,
  );
}

function onlyGroup(groups: string[]): string {
  if (groups.length === 1) return groups[0] as string;
  throw new ConfigurationError(
    `The node has ${groups.length} security groups (${groups.join(', ') || 'none'}): set 'security-group-id' to the one for SSH.`,
  );
}
