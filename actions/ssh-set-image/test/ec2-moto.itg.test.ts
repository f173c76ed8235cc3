import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { NODE_RUNTIMES, repoRoot } from '../../../runner/src/paths.js';
import { runBundledAction } from '../../../runner/src/run-bundle.js';
import { createMotoNode, ingressRules } from '../../../test/aws/moto-ec2.js';
import { awsEnvironment, MOTO_REGION, useMoto } from '../../../test/aws/use-moto.js';
import { createEc2Client } from '../../lib/src/ssh/ec2-sdk.js';

// The committed bundles (main and post, as the runner runs them, under each Node an action may meet; the
// EC2 client is a chunk of its own that only these inputs load) find the node by tag in moto, open the
// runner's SSH rule, and the post step removes it: after a failed connection, and after the job is
// cancelled while main waits for the node (SIGTERM to main). The rule is read back from moto afterwards.
// The node's address is 127.0.0.1: a port that refuses, or a listener that accepts and never answers.
const actionDir = join(repoRoot, 'actions', 'ssh-set-image');
const moto = useMoto();
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
let ec2: EC2Client;
let groupId: string;
let silent: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

beforeEach(async () => {
  await moto.server.reset();
  ec2 = await createEc2Client(MOTO_REGION);
  ({ groupId } = await createMotoNode(ec2, { privateIp: '127.0.0.1', tags: { Name: 'control-plane' } }));
});

const ingress = () => ingressRules(ec2, groupId);

const inputs = (port: number) => ({
  namespace: 'shop',
  deployment: 'metrics-api',
  image: `127.0.0.1:1/metrics-api@sha256:${'1'.repeat(64)}`,
  'ec2-instance-tag': 'Name=control-plane',
  'ec2-address': 'private-ip',
  port: String(port),
  user: 'deploy',
  'private-key': privateKey,
  'insecure-trust-on-first-use': 'true',
  'connect-attempts': '1',
  'connect-timeout': '60s',
  'aws-region': MOTO_REGION,
  'temporary-ingress': 'true',
  'runner-ip': '198.51.100.7',
});

describe('ssh-set-image bundle, EC2 in moto', () => {
  test.each(NODE_RUNTIMES)(
    'a failed connection: the rule opened before it is removed in post (%s)',
    async (node) => {
      const { main, post } = await runBundledAction({
        actionDir,
        node,
        inputs: inputs(1),
        env: awsEnvironment(moto.url),
      });
      expect(main.exitCode).toBe(1);
      expect(main.stdout).toMatch(new RegExp(`Opened TCP 1 in ${groupId} to 198.51.100.7/32`));
      expect(post?.exitCode).toBe(0);
      expect(post?.stdout).toContain(`Removed the temporary rule TCP 1 from 198.51.100.7/32 in ${groupId}`);
      expect(await ingress()).toEqual([]);
    },
  );

  test('the job cancelled while main waits for the node: SIGTERM, then the post step removes the rule', async () => {
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const { main, post } = await runBundledAction({
      actionDir,
      node: 'node24',
      inputs: inputs(port),
      env: awsEnvironment(moto.url),
      cancelMain: { when: (line) => line.startsWith('Opened TCP') },
    });
    // Ended by the signal long before the 60 s connect timeout, with the rule open at that moment.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(main.exitCode === 0).toBe(false);
    expect(main.state['ssh-temporary-ingress']).toContain('"status":"created"');
    expect(post?.exitCode).toBe(0);
    expect(post?.stdout).toContain(
      `Removed the temporary rule TCP ${port} from 198.51.100.7/32 in ${groupId}`,
    );
    expect(await ingress()).toEqual([]);
  });
});
