// Imports only the cleanup path (not the library index): the post bundle carries the EC2 client, not SSH,
// and loads it only when main opened a rule.
import { runPostStep } from '../../lib/src/run.js';
import { createEc2Client } from '../../lib/src/ssh/ec2-sdk.js';
import { closeTemporaryAccess } from '../../lib/src/ssh/ingress-cleanup.js';

/** Removes the temporary SSH ingress rule main opened, after success, failure and cancellation alike. */
await runPostStep('ssh-set-image', () => closeTemporaryAccess({ ec2: createEc2Client }));
