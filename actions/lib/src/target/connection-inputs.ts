import { ConfigurationError } from '../errors.js';
import { getOptionalInput } from '../inputs.js';
import { checkKubectlPath } from '../kubectl/kubectl-path.js';
import {
  forgetSecretConnectionInputs,
  getSshConnectionInputs,
  type SshConnectionSettings,
} from '../ssh/connection-inputs.js';
import type { TargetConnection } from './open-target.js';

export interface TargetConnectionOptions {
  /** The action's name, for messages. */
  action: string;
  /**
   * `required`: kubectl always runs on the node (ssh-set-image). `optional`: on the node when one is named
   * (host, ec2-instance-id, ec2-instance-tag), else on the runner. An optional one cannot open a temporary
   * ingress: that needs a post step to remove the rule.
   */
  ssh: 'required' | 'optional';
}

function optionalSsh(action: string): SshConnectionSettings | undefined {
  const named = ['host', 'ec2-instance-id', 'ec2-instance-tag'].some(
    (name) => getOptionalInput(name) !== undefined,
  );
  if (!named) return undefined;
  const settings = getSshConnectionInputs();
  if (settings.temporaryIngress) {
    throw new ConfigurationError(
      `${action} does not open a temporary ingress: set 'temporary-ingress' on ssh-set-image, whose rule stays open until the end of the job.`,
    );
  }
  return settings;
}

/**
 * The connection block every deploy action reads (kubectl, kubeconfig and the SSH inputs), checked before
 * anything touches the network. The key inputs are then dropped from the environment, so that no program
 * the action starts inherits them.
 */
export function getTargetConnectionInputs(options: TargetConnectionOptions): TargetConnection {
  const kubeconfig = getOptionalInput('kubeconfig');
  const kubectlPath = checkKubectlPath('kubectl', getOptionalInput('kubectl') ?? 'kubectl');
  const kubeconfigPath = kubeconfig === undefined ? undefined : checkKubectlPath('kubeconfig', kubeconfig);
  const ssh = options.ssh === 'required' ? getSshConnectionInputs() : optionalSsh(options.action);
  forgetSecretConnectionInputs();
  return {
    kubectlPath,
    ...(kubeconfigPath !== undefined && { kubeconfig: kubeconfigPath }),
    ...(ssh !== undefined && { ssh }),
  };
}
