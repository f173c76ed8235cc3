import { createServer, type Server } from 'node:http';

/** One EC2 API call the stand-in received: the Query API action and its form parameters. */
export interface Ec2Call {
  action: string;
  params: Record<string, string>;
}

export interface Ec2StandIn {
  url: string;
  calls: Ec2Call[];
  /** How AuthorizeSecurityGroupIngress answers: a new rule, or the rule exists already. */
  authorize: 'create' | 'duplicate';
  close(): Promise<void>;
}

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function response(action: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NS}"><requestId>req-1</requestId>${body}</${action}Response>`;
}

function errorResponse(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`;
}

/**
 * A stand-in for the three EC2 Query API actions the SSH access uses, on 127.0.0.1, for bundle tests
 * where aws-sdk-client-mock cannot reach (the action runs in another process). The SDK is pointed at it
 * with AWS_ENDPOINT_URL_EC2. The instance it reports lives at 127.0.0.1 with one security group.
 */
export async function startEc2StandIn(groupId: string, instanceId: string): Promise<Ec2StandIn> {
  const calls: Ec2Call[] = [];
  const state: Ec2StandIn = { url: '', calls, authorize: 'create', close: async () => {} };
  const server: Server = createServer((request, reply) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const action = params.Action ?? '';
      calls.push({ action, params });
      reply.setHeader('content-type', 'text/xml;charset=UTF-8');
      if (action === 'DescribeInstances') {
        reply.end(
          response(
            action,
            `<reservationSet><item><reservationId>r-1</reservationId><instancesSet><item><instanceId>${instanceId}</instanceId>` +
              '<instanceState><code>16</code><name>running</name></instanceState><ipAddress>127.0.0.1</ipAddress>' +
              `<privateIpAddress>127.0.0.1</privateIpAddress><groupSet><item><groupId>${groupId}</groupId><groupName>ssh</groupName></item></groupSet>` +
              '</item></instancesSet></item></reservationSet>',
          ),
        );
      } else if (action === 'AuthorizeSecurityGroupIngress' && state.authorize === 'duplicate') {
        reply.statusCode = 400;
        reply.end(errorResponse('InvalidPermission.Duplicate', 'the specified rule already exists'));
      } else if (action === 'AuthorizeSecurityGroupIngress') {
        reply.end(
          response(
            action,
            `<return>true</return><securityGroupRuleSet><item><securityGroupRuleId>sgr-0feedfacecafe0001</securityGroupRuleId><groupId>${groupId}</groupId></item></securityGroupRuleSet>`,
          ),
        );
      } else if (action === 'RevokeSecurityGroupIngress') {
        reply.end(response(action, '<return>true</return>'));
      } else {
        reply.statusCode = 400;
        reply.end(errorResponse('InvalidAction', `the stand-in does not know ${action}`));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/**
 * Inputs and environment for a bundle that finds its node through the stand-in and then fails to connect:
 * the node is reported at 127.0.0.1 and port 1 refuses, so no SSH server is needed.
 */
export function unreachableEc2Node(ec2: Ec2StandIn, instanceId: string, privateKey: string) {
  return {
    inputs: {
      namespace: 'shop',
      deployment: 'metrics-api',
      'ec2-instance-id': instanceId,
      port: '1',
      user: 'deploy',
      'private-key': privateKey,
      'insecure-trust-on-first-use': 'true',
      'connect-attempts': '1',
    },
    env: {
      AWS_ENDPOINT_URL_EC2: ec2.url,
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'AKIASTANDIN000000000',
      AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
    },
  };
}
