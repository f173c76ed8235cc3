/*
 * The post step's half of the temporary ingress: what main recorded, and its removal. Kept apart from the
 * SSH code so that the post bundle carries only the EC2 client, loaded only when a rule is to be removed.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { info, warning } from '../log.js';
import { createStateStore } from '../state.js';
import { revokeTemporaryIngress } from './ingress.js';

/** The ingress rule as the post step needs it; `pending` means the call was made but not answered. */
export type SavedIngress = {
  status: 'pending' | 'created' | 'pre-existing';
  region: string;
  rule: { groupId: string; port: number; cidr: string; ruleId?: string };
};

export const sshAccessState = createStateStore<{ 'ssh-temporary-ingress': SavedIngress }>();

/** The post step: removes the rule this run added, on success, failure and cancellation alike. */
export async function closeTemporaryAccess(deps: {
  ec2: (region: string) => Promise<EC2Client>;
}): Promise<void> {
  const saved = sshAccessState.get('ssh-temporary-ingress');
  if (!saved) return;
  const { rule } = saved;
  if (saved.status === 'pre-existing') {
    info(`TCP ${rule.port} in ${rule.groupId} to ${rule.cidr} was open before this run: left as it was`);
    return;
  }
  try {
    const outcome = await revokeTemporaryIngress(await deps.ec2(saved.region), rule);
    info(
      outcome === 'revoked'
        ? `Removed the temporary rule TCP ${rule.port} from ${rule.cidr} in ${rule.groupId}`
        : `The temporary rule TCP ${rule.port} from ${rule.cidr} in ${rule.groupId} was already gone`,
    );
  } catch (error) {
    warning(
      `Could not remove the temporary SSH rule TCP ${rule.port} from ${rule.cidr} in ${rule.groupId}` +
        `${rule.ruleId ? ` (${rule.ruleId})` : ''}: remove it by hand.`,
    );
    throw error;
  }
}
