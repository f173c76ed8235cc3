import { generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_RUNTIMES } from '../../../test/harness/paths.js';
import { runBundledAction } from '../../../test/harness/run-bundle.js';
import {
  type Ec2StandIn,
  startEc2StandIn,
  unreachableEc2Node,
} from '../../ssh-set-image/test/ec2-stand-in.js';

// The bundle loads the EC2 client from a chunk of its own only when an EC2 input asks for it: this runs
// that path in the committed bundle under each Node the action may meet. No SSH server is needed: the
// stand-in reports the node at 127.0.0.1, and port 1 refuses.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const instanceId = 'i-0123456789abcdef0';
let ec2: Ec2StandIn;
// A key ssh2 can read (node:crypto writes PKCS#1 PEM); no server ever sees it.
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

beforeAll(async () => {
  ec2 = await startEc2StandIn('sg-0123456789abcdef0', instanceId);
});

afterAll(async () => {
  await ec2?.close();
});

describe('rollout-wait bundle on EC2 inputs (EC2 stand-in)', () => {
  it.each(NODE_RUNTIMES)('finds the node by instance id under %s', async (node) => {
    ec2.calls.length = 0;
    const target = unreachableEc2Node(ec2, instanceId, privateKey);
    const { main } = await runBundledAction({ actionDir, node, ...target });
    expect(main.stdout).toContain(`EC2: instance ${instanceId} is ${instanceId} at 127.0.0.1`);
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toContain('127.0.0.1:1');
    expect(ec2.calls.map((call) => call.action)).toEqual(['DescribeInstances']);
  });
});
