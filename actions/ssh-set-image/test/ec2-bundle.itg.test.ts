import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_RUNTIMES, repoRoot } from '../../../test/harness/paths.js';
import { runBundledAction } from '../../../test/harness/run-bundle.js';
import { type Ec2StandIn, startEc2StandIn, unreachableEc2Node } from './ec2-stand-in.js';

// The bundles load the EC2 client from a chunk of their own only when an EC2 input asks for it: this runs
// that path in the committed main and post bundles under each Node the action may meet. No SSH server is
// needed: the stand-in reports the node at 127.0.0.1 and port 1 refuses, after the rule was opened.
const actionDir = join(repoRoot, 'actions', 'ssh-set-image');
const groupId = 'sg-0123456789abcdef0';
const instanceId = 'i-0123456789abcdef0';
let ec2: Ec2StandIn;
// A key ssh2 can read (node:crypto writes PKCS#1 PEM); no server ever sees it.
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

beforeAll(async () => {
  ec2 = await startEc2StandIn(groupId, instanceId);
});

afterAll(async () => {
  await ec2?.close();
});

describe('ssh-set-image bundle on EC2 inputs (EC2 stand-in)', () => {
  it.each(NODE_RUNTIMES)('finds the node, opens the rule and removes it in post under %s', async (node) => {
    ec2.calls.length = 0;
    ec2.authorize = 'create';
    const { inputs, env } = unreachableEc2Node(ec2, instanceId, privateKey);
    const { main, post } = await runBundledAction({
      actionDir,
      node,
      inputs: {
        ...inputs,
        image: `127.0.0.1:1/metrics-api@sha256:${'1'.repeat(64)}`,
        'temporary-ingress': 'true',
        'runner-ip': '127.0.0.1',
      },
      env,
    });
    expect(main.stdout).toContain(`EC2: instance ${instanceId} is ${instanceId} at 127.0.0.1`);
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toContain('127.0.0.1:1');
    expect(post?.exitCode).toBe(0);
    expect(post?.warnings).toEqual([]);
    expect(ec2.calls.map((call) => call.action)).toEqual([
      'DescribeInstances',
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
  });
});
