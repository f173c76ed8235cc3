import { describe, expect, it } from 'vitest';
import { eventVariables, loadEvent, pullRequestEvent, workflowDispatchEvent } from '../src/events.js';
import { applyMasks, maskParts, parseKeyValueFile, parseWorkflowCommands } from '../src/runner-files.js';

describe('parseKeyValueFile()', () => {
  it('reads name=value lines and name<<DELIM heredocs, later entries winning', () => {
    const text = 'a=1\nb<<ghadelimiter_x\nline 1\n\nline=3\nghadelimiter_x\na=2=two\n';
    expect(parseKeyValueFile(text)).toEqual({ a: '2=two', b: 'line 1\n\nline=3' });
  });

  it('names the file when a heredoc is never closed or a line has no value', () => {
    expect(() => parseKeyValueFile('x<<END\nvalue\n', 'GITHUB_OUTPUT')).toThrow(
      "GITHUB_OUTPUT: no closing delimiter 'END' for 'x'",
    );
    expect(() => parseKeyValueFile('garbage\n', 'GITHUB_ENV')).toThrow(
      'GITHUB_ENV: cannot parse line "garbage"',
    );
  });
});

describe('parseWorkflowCommands()', () => {
  it('reads commands with properties and unescapes messages', () => {
    const stdout = 'plain log\n::error file=a%3Ab.ts,line=4::bad%0Athing 100%25\n::add-mask::s3cret\n';
    expect(parseWorkflowCommands(stdout)).toEqual([
      { command: 'error', properties: { file: 'a:b.ts', line: '4' }, message: 'bad\nthing 100%' },
      { command: 'add-mask', properties: {}, message: 's3cret' },
    ]);
  });
});

describe('applyMasks()', () => {
  it('replaces masked values, longest first, like the runner', () => {
    expect(applyMasks('token abc and abcdef', ['abc', 'abcdef'])).toBe('token *** and ***');
  });
});

describe('maskParts()', () => {
  it('masks a multi-line value line by line too, for a log read line by line', () => {
    expect(maskParts('one-line')).toEqual(['one-line']);
    expect(maskParts('-----BEGIN-----\r\n  AAAA\n\n-----END-----\n')).toEqual([
      '-----BEGIN-----\r\n  AAAA\n\n-----END-----\n',
      '-----BEGIN-----',
      'AAAA',
      '-----END-----',
    ]);
    expect(maskParts('')).toEqual([]);
  });
});

describe('eventVariables()', () => {
  it('derives ref, ref name and sha from a branch push', () => {
    expect(eventVariables(loadEvent('push'))).toMatchObject({
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_REF_TYPE: 'branch',
      GITHUB_SHA: '9f2c1e8b7a6d5c4b3a29180f7e6d5c4b3a291807',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_ACTOR: 'octo-dev',
      GITHUB_HEAD_REF: '',
    });
  });

  it('derives a tag ref from a tag push', () => {
    expect(eventVariables(loadEvent('push-tag'))).toMatchObject({
      GITHUB_REF: 'refs/tags/v1.4.2',
      GITHUB_REF_NAME: 'v1.4.2',
      GITHUB_REF_TYPE: 'tag',
    });
  });

  it('uses the merge ref and the head branch for a pull request', () => {
    expect(eventVariables(pullRequestEvent('feature/x'))).toMatchObject({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/57/merge',
      GITHUB_REF_NAME: '57/merge',
      GITHUB_HEAD_REF: 'feature/x',
      GITHUB_BASE_REF: 'main',
      GITHUB_SHA: 'd15ea5e0123456789abcdef0123456789abcdef0',
    });
  });

  it('uses the chosen branch for workflow_dispatch and keeps the inputs in the payload', () => {
    const event = workflowDispatchEvent('stage', { environment: 'prod' });
    expect(eventVariables(event)).toMatchObject({ GITHUB_REF: 'refs/heads/stage', GITHUB_REF_NAME: 'stage' });
    expect(event.payload.inputs).toEqual({ environment: 'prod' });
  });
});
