// One SSH connection per action run: pinned host keys, optional jump host, reconnects. See ../../README.md.

export { defaultSshAccessDeps, openSshAccess, type SshAccessDeps } from './access.js';
export { checkPrivateKey, endpointName, type SshEndpoint } from './connect-client.js';
export { SshConnection, type SshConnectionOptions } from './connection.js';
export {
  forgetSecretConnectionInputs,
  getSshConnectionInputs,
  isValidHost,
  type SshConnectionSettings,
  type SshLogin,
} from './connection-inputs.js';
export {
  describeQuery,
  EC2_ADDRESS_KINDS,
  type Ec2AddressKind,
  type Ec2Host,
  type Ec2HostQuery,
  findEc2Host,
} from './ec2-host.js';
export {
  HostKeyRefusedError,
  SshAuthenticationError,
  SshConnectError,
  SshConnectionLostError,
} from './errors.js';
export {
  fingerprintOf,
  type HostKeyPin,
  type HostKeyPolicy,
  type HostKeyRefusal,
  type HostKeyVerdict,
  keyTypeOf,
  knownHostsLine,
  parseHostKeyPins,
  pinAppliesTo,
  verifyHostKey,
} from './host-key.js';
export {
  type IngressOpened,
  openTemporaryIngress,
  revokeTemporaryIngress,
  type TemporaryIngressRule,
} from './ingress.js';
export { closeTemporaryAccess, type SavedIngress, sshAccessState } from './ingress-cleanup.js';
export {
  describeHostNames,
  type HostNames,
  hostNamesMatch,
  knownHostsName,
  parseHostNames,
} from './known-hosts-names.js';
export { type ChannelOpener, forwardLocalPort, type LocalForward } from './port-forward.js';
export type { RemoteShell } from './remote-shell.js';
export { DEFAULT_RUNNER_IP_URL, resolveRunnerAddress } from './runner-address.js';
