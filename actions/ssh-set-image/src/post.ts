// Imports only the cleanup path (not the library index): the post bundle carries the EC2 client, not SSH.
import { EC2Client } from '@aws-sdk/client-ec2';
import { createAwsClientFactory } from '../../lib/src/aws.js';
import { runPostStep } from '../../lib/src/run.js';
import { closeTemporaryAccess } from '../../lib/src/ssh/ingress-cleanup.js';

/** Removes the temporary SSH ingress rule main opened, after success, failure and cancellation alike. */
await runPostStep('ssh-set-image', () =>
  closeTemporaryAccess({ ec2: (region) => createAwsClientFactory(region).create(EC2Client) }),
);
