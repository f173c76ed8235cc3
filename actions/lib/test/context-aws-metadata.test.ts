import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { createAwsClientFactory, describeAwsCredentialSource, resolveAwsRegion } from '../src/aws.js';
import { readRunContext, runUrl } from '../src/context.js';
import { inputEnvName, parseActionMetadata } from '../src/metadata.js';

describe('readRunContext()', () => {
  it('reads the GITHUB_* variables and the event payload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lib-context-'));
    const eventPath = join(dir, 'event.json');
    writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main' }));
    const context = readRunContext({
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '42',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_EVENT_PATH: eventPath,
    });
    expect(context.eventName).toBe('push');
    expect(context.refName).toBe('main');
    expect(context.payload).toEqual({ ref: 'refs/heads/main' });
    expect(runUrl(context)).toBe('https://github.example/acme/shop/actions/runs/42');
    rmSync(dir, { recursive: true, force: true });
  });

  it('works without a payload and names a payload that cannot be read', () => {
    expect(readRunContext({}).payload).toEqual({});
    expect(runUrl(readRunContext({}))).toBe('');
    expect(() => readRunContext({ GITHUB_EVENT_PATH: '/nonexistent/event.json' })).toThrow(
      "Cannot read the event payload at GITHUB_EVENT_PATH '/nonexistent/event.json'",
    );
  });
});

describe('AWS client construction', () => {
  it('takes the region from the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(resolveAwsRegion('aws-region', 'eu-west-1', { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(resolveAwsRegion('aws-region', undefined, { AWS_REGION: 'us-east-1' })).toBe('us-east-1');
    expect(resolveAwsRegion('aws-region', undefined, { AWS_DEFAULT_REGION: 'us-gov-west-1' })).toBe(
      'us-gov-west-1',
    );
  });

  it('names the input and the variable when no region is known, and rejects malformed regions', () => {
    expect(() => resolveAwsRegion('aws-region', undefined, {})).toThrow(
      "No AWS region: set the input 'aws-region' or the environment variable AWS_REGION",
    );
    expect(() => resolveAwsRegion('aws-region', 'Frankfurt', {})).toThrow(
      "Invalid input 'aws-region': 'Frankfurt'. Expected an AWS region",
    );
  });

  it('creates SDK clients for the region', async () => {
    const client = createAwsClientFactory('eu-central-1').create(ECRClient);
    expect(client).toBeInstanceOf(ECRClient);
    expect(await client.config.region()).toBe('eu-central-1');
    client.destroy();
  });

  it('describes the credential source without showing a secret', () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'hidden' };
    expect(describeAwsCredentialSource(env)).toBe('environment variables');
    expect(
      describeAwsCredentialSource({
        AWS_WEB_IDENTITY_TOKEN_FILE: '/t',
        AWS_ROLE_ARN: 'arn:aws:iam::1:role/r',
      }),
    ).toBe('web identity (OIDC) for arn:aws:iam::1:role/r');
  });
});

describe('parseActionMetadata()', () => {
  const yml = `
name: Example
description: Does things
inputs:
  timeout:
    description: How long
    default: 300
  token:
    description: A token
    required: true
outputs:
  result:
    description: What happened
runs:
  using: node24
  main: dist/index.js
  post: dist/index.js
`;

  it('reads inputs with their defaults as text, outputs and runs', () => {
    const metadata = parseActionMetadata(yml, 'action.yml');
    expect(metadata.inputs.timeout).toEqual({ description: 'How long', required: false, default: '300' });
    expect(metadata.inputs.token?.required).toBe(true);
    expect(metadata.outputs.result?.description).toBe('What happened');
    expect(metadata.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
  });

  it('names the file and the field that is missing', () => {
    expect(() => parseActionMetadata('name: x\nruns: {using: node24}', 'a/action.yml')).toThrow(
      'a/action.yml: description must be a non-empty string',
    );
  });

  it('inputEnvName() upper-cases, turns spaces into underscores and keeps hyphens', () => {
    expect(inputEnvName('fail-on')).toBe('INPUT_FAIL-ON');
    expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT');
  });
});
