import { generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_RUNTIMES } from '../../../runner/src/paths.js';
import { runBundledAction } from '../../../runner/src/run-bundle.js';
import { AwsFaultProxy } from '../../../test/aws/fault-proxy.js';
import { createMotoNode } from '../../../test/aws/moto-ec2.js';
import { awsEnvironment, MOTO_REGION, useMoto } from '../../../test/aws/use-moto.js';
import { createEc2Client } from '../../lib/src/ssh/ec2-sdk.js';

// The bundle loads the EC2 client from a chunk of its own only when an EC2 input asks for it: this runs
// that path in the committed bundle under each Node the action may meet, against moto (through the
// recording proxy in test/aws, which lists the calls the action made). No SSH server is needed: the
// instance's private address is 127.0.0.1, and port 1 refuses.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const moto = useMoto();
let proxy: AwsFaultProxy;
let ec2: EC2Client;
let instanceId: string;
// A key ssh2 can read (node:crypto writes PKCS#1 PEM); no server ever sees it.
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

beforeAll(async () => {
  ec2 = await createEc2Client(MOTO_REGION);
  ({ instanceId } = await createMotoNode(ec2, { privateIp: '127.0.0.1' }));
  proxy = await AwsFaultProxy.start(moto.url);
});

afterAll(async () => {
  ec2?.destroy();
  await proxy?.close();
});

describe('rollout-wait bundle on EC2 inputs (EC2 in moto)', () => {
  it.each(NODE_RUNTIMES)('finds the node by instance id under %s', async (node) => {
    proxy.reset();
    const { main } = await runBundledAction({
      actionDir,
      node,
      inputs: {
        namespace: 'shop',
        deployment: 'metrics-api',
        'ec2-instance-id': instanceId,
        'ec2-address': 'private-ip',
        port: '1',
        user: 'deploy',
        'private-key': privateKey,
        'insecure-trust-on-first-use': 'true',
        'connect-attempts': '1',
      },
      env: awsEnvironment(proxy.url),
    });
    expect(main.stdout).toContain(`EC2: instance ${instanceId} is ${instanceId} at 127.0.0.1`);
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toContain('127.0.0.1:1');
    expect(proxy.counters.requests).toEqual(['DescribeInstances']);
    expect(proxy.counters.answers).toEqual(['DescribeInstances 200']);
  });
});
