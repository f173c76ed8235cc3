/*
 * The AWS SDK's EC2 client, loaded on first use. Evaluating its module builds the client's command table
 * (about 60 ms of CPU, docs/benchmarks.md "Action start-up"), and only runs with the `ec2-*` or
 * `temporary-ingress` inputs need it. Elsewhere import only types from '@aws-sdk/client-ec2': one value
 * import would put it back into the bundle's start. The bundler makes this import a chunk of its own.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { createAwsClientFactory } from '../aws.js';

export const loadEc2Sdk = () => import('@aws-sdk/client-ec2');

/** An EC2 client for the region, credentials from the SDK's default chain. */
export async function createEc2Client(region: string): Promise<EC2Client> {
  const { EC2Client } = await loadEc2Sdk();
  return createAwsClientFactory(region).create(EC2Client);
}
