/*
 * The connection inputs every SSH action shares (ssh-set-image, rollout-wait): read, validated and turned
 * into typed settings before anything touches the network. Input names are the action.yml names.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ConfigurationError, errorMessage } from '../errors.js';
import {
  getBooleanInput,
  getDurationInput,
  getEnumInput,
  getIntegerInput,
  getOptionalInput,
  getSecretInput,
} from '../inputs.js';
import { checkPrivateKey } from './connect-client.js';
import { EC2_ADDRESS_KINDS, type Ec2AddressKind, type Ec2HostQuery } from './ec2-host.js';
import { type HostKeyPolicy, parseHostKeyPins } from './host-key.js';
import { DEFAULT_RUNNER_IP_URL } from './runner-address.js';

export interface SshLogin {
  port: number;
  username: string;
  privateKey: string;
  passphrase?: string;
  hostKeys: HostKeyPolicy;
}

export interface SshConnectionSettings extends SshLogin {
  /** A host name or address, or an EC2 query resolved at connect time. */
  target: { host: string } | { ec2: Ec2HostQuery; addressKind: Ec2AddressKind };
  jump?: SshLogin & { host: string };
  connectTimeoutMs: number;
  connectAttempts: number;
  awsRegion?: string;
  temporaryIngress?: { securityGroupId?: string; runnerIp?: string; runnerIpUrl: string };
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const TAG = /^([A-Za-z0-9 _.:/+@-]{1,128})=([A-Za-z0-9 _.:/+@=-]{0,256})$/;

export function isValidHost(value: string): boolean {
  return HOST_NAME.test(value) || isIPv4(value) || isIPv6(value);
}

function hostInput(name: string): string | undefined {
  const value = getOptionalInput(name);
  if (value !== undefined && !isValidHost(value)) {
    throw ConfigurationError.invalidInput(name, value, 'a host name (node.example.com) or an IP address');
  }
  return value;
}

function userInput(name: string, fallback?: string): string {
  const value = getOptionalInput(name) ?? fallback;
  if (value === undefined)
    throw ConfigurationError.missingInput(name, 'It is the login user on the node, e.g. ubuntu.');
  if (!USER_NAME.test(value)) {
    throw ConfigurationError.invalidInput(name, value, "a user name of letters, digits, '_', '.' and '-'");
  }
  return value;
}

function privateKeyInput(
  name: string,
  passphraseName: string,
  fallback?: { key: string; passphrase?: string },
) {
  const key = getSecretInput(name) ?? fallback?.key;
  if (key === undefined) throw ConfigurationError.missingInput(name, 'Pass the private key from a secret.');
  const passphrase =
    getSecretInput(passphraseName) ?? (getSecretInput(name) ? undefined : fallback?.passphrase);
  try {
    checkPrivateKey(key, passphrase);
  } catch (error) {
    throw ConfigurationError.invalidSecretInput(
      name,
      `an OpenSSH or PEM private key (${errorMessage(error).replace(/^the private key /, 'it ')}; check ${passphraseName} too)`,
    );
  }
  return { key, passphrase };
}

function hostKeysInput(name: string, trustOnFirstUse: boolean): HostKeyPolicy {
  const text = getOptionalInput(name);
  if (text === undefined) {
    if (trustOnFirstUse) return { trustOnFirstUse: true };
    throw ConfigurationError.missingInput(
      name,
      "Pin the node's SSH host key: a known_hosts line (ssh-keyscan -p PORT HOST) or its SHA256 fingerprint; " +
        'several lines allow a rotation. Only for a first connection to a new node, ' +
        "'insecure-trust-on-first-use: true' connects anyway and prints the key to pin.",
    );
  }
  try {
    return { pins: parseHostKeyPins(text) };
  } catch (error) {
    throw ConfigurationError.invalidInput(
      name,
      text,
      `known_hosts lines or SHA256 fingerprints: ${errorMessage(error)}`,
    );
  }
}

function ec2QueryInput(): Ec2HostQuery | undefined {
  const instanceId = getOptionalInput('ec2-instance-id');
  const tag = getOptionalInput('ec2-instance-tag');
  if (instanceId !== undefined && tag !== undefined) {
    throw new ConfigurationError("Set only one of 'ec2-instance-id' and 'ec2-instance-tag'.");
  }
  if (instanceId !== undefined) {
    if (!INSTANCE_ID.test(instanceId))
      throw ConfigurationError.invalidInput(
        'ec2-instance-id',
        instanceId,
        'an instance id like i-0abc1234def567890',
      );
    return { instanceId };
  }
  if (tag !== undefined) {
    const match = TAG.exec(tag);
    if (!match)
      throw ConfigurationError.invalidInput(
        'ec2-instance-tag',
        tag,
        'KEY=VALUE, e.g. Name=k8s-control-plane',
      );
    return { tag: { key: match[1] as string, value: match[2] as string } };
  }
  return undefined;
}

function runnerIpUrlInput(): string {
  const value = getOptionalInput('runner-ip-url') ?? DEFAULT_RUNNER_IP_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw ConfigurationError.invalidInput(
      'runner-ip-url',
      value,
      "an https URL that answers with the caller's IPv4 address",
    );
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw ConfigurationError.invalidInput(
      'runner-ip-url',
      value,
      'an https URL (plain http only on loopback)',
    );
  }
  return value;
}

/** Reads and checks every connection input; throws ConfigurationError before any connection is made. */
export function getSshConnectionInputs(): SshConnectionSettings {
  const trustOnFirstUse = getBooleanInput('insecure-trust-on-first-use', false);
  const host = hostInput('host');
  const ec2 = ec2QueryInput();
  if (host !== undefined && ec2 !== undefined) {
    throw new ConfigurationError(
      "Set either 'host' or one of 'ec2-instance-id'/'ec2-instance-tag', not both.",
    );
  }
  if (host === undefined && ec2 === undefined) {
    throw new ConfigurationError(
      "Input 'host' is required (or 'ec2-instance-id'/'ec2-instance-tag' to find the node on EC2).",
    );
  }
  const addressKind = getEnumInput('ec2-address', EC2_ADDRESS_KINDS, 'public-ip');
  const username = userInput('user');
  const key = privateKeyInput('private-key', 'private-key-passphrase');
  const settings: SshConnectionSettings = {
    target: host !== undefined ? { host } : { ec2: ec2 as Ec2HostQuery, addressKind },
    port: getIntegerInput('port', 22, { min: 1, max: 65535 }),
    username,
    privateKey: key.key,
    ...(key.passphrase !== undefined && { passphrase: key.passphrase }),
    hostKeys: hostKeysInput('host-key', trustOnFirstUse),
    connectTimeoutMs: getDurationInput('connect-timeout', 20_000, { minMs: 1000, maxMs: 300_000 }),
    connectAttempts: getIntegerInput('connect-attempts', 3, { min: 1, max: 10 }),
  };
  const jumpHost = hostInput('jump-host');
  if (jumpHost !== undefined) {
    const jumpKey = privateKeyInput('jump-private-key', 'jump-private-key-passphrase', key);
    settings.jump = {
      host: jumpHost,
      port: getIntegerInput('jump-port', 22, { min: 1, max: 65535 }),
      username: userInput('jump-user', username),
      privateKey: jumpKey.key,
      ...(jumpKey.passphrase !== undefined && { passphrase: jumpKey.passphrase }),
      hostKeys: hostKeysInput('jump-host-key', trustOnFirstUse),
    };
  }
  const region = getOptionalInput('aws-region');
  if (region !== undefined) settings.awsRegion = region;
  if (getBooleanInput('temporary-ingress', false)) {
    const securityGroupId = getOptionalInput('security-group-id');
    if (securityGroupId !== undefined && !SECURITY_GROUP_ID.test(securityGroupId)) {
      throw ConfigurationError.invalidInput(
        'security-group-id',
        securityGroupId,
        'a security group id like sg-0abc1234def567890',
      );
    }
    const runnerIp = getOptionalInput('runner-ip');
    if (runnerIp !== undefined && !isIPv4(runnerIp)) {
      throw ConfigurationError.invalidInput('runner-ip', runnerIp, "the runner's public IPv4 address");
    }
    if (settings.jump) {
      throw new ConfigurationError(
        "'temporary-ingress' opens the node's own SSH port: it cannot be combined with 'jump-host'.",
      );
    }
    if (securityGroupId === undefined && ec2 === undefined) {
      throw new ConfigurationError(
        "'temporary-ingress' needs 'security-group-id', or an EC2 query whose instance has one security group.",
      );
    }
    settings.temporaryIngress = {
      ...(securityGroupId !== undefined && { securityGroupId }),
      ...(runnerIp !== undefined && { runnerIp }),
      runnerIpUrl: runnerIpUrlInput(),
    };
  }
  return settings;
}

/** The inputs that hold key material. */
export const SECRET_CONNECTION_INPUTS = [
  'private-key',
  'private-key-passphrase',
  'jump-private-key',
  'jump-private-key-passphrase',
] as const;

/**
 * Removes the key inputs from this process's environment once they are read, so that no program the
 * action starts (kubectl kustomize, docker) inherits them.
 */
export function forgetSecretConnectionInputs(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of SECRET_CONNECTION_INPUTS) delete env[`INPUT_${name.toUpperCase()}`];
}
