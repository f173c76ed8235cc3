import type { PolicyDocument } from './deploy-policy.js';

/**
 * One IAM Query API call to moto while its IAM enforcement is off (the project has no IAM SDK client:
 * the actions never call IAM). moto routes by the credential scope of the Authorization header and checks
 * no signature until enforcement is on, so the header only names the service.
 */
async function iamCall(endpoint: string, action: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params });
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAMOTOSETUP0000000/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`IAM ${action} on moto: HTTP ${response.status} ${text}`);
  return text;
}

const element = (xml: string, name: string): string => {
  const value = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  if (value === undefined) throw new Error(`no <${name}> in ${xml}`);
  return value;
};

/** An IAM user holding `policy` as its only (inline) policy, and an access key of it. */
export async function createUserWithPolicy(
  endpoint: string,
  userName: string,
  policy: PolicyDocument,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await iamCall(endpoint, 'CreateUser', { UserName: userName });
  await iamCall(endpoint, 'PutUserPolicy', {
    UserName: userName,
    PolicyName: 'deploy',
    PolicyDocument: JSON.stringify(policy),
  });
  const key = await iamCall(endpoint, 'CreateAccessKey', { UserName: userName });
  return { accessKeyId: element(key, 'AccessKeyId'), secretAccessKey: element(key, 'SecretAccessKey') };
}
