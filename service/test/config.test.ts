import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig()', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 8000,
      appName: 'k8s-cluster-performance-stack',
      appVersion: packageJson.version,
      environment: 'dev',
      gitRevision: undefined,
      imageRef: undefined,
      diskPath: '/',
      latencyTargets: [],
      latencyIntervalSeconds: 30,
      latencyTimeoutMs: 2000,
      shutdownGraceSeconds: 20,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9100',
      APP_NAME: 'metrics',
      APP_VERSION: '1.2.3',
      APP_ENVIRONMENT: 'preview',
      GIT_REVISION: 'abc1234',
      IMAGE_REF: '123.dkr.ecr.eu-west-1.amazonaws.com/metrics@sha256:abcd',
      DISK_PATH: '/data',
      LATENCY_TARGETS: ' 10.0.2.133:22, db.internal:5432 ',
      LATENCY_INTERVAL_SECONDS: '5',
      LATENCY_TIMEOUT_MS: '500',
      SHUTDOWN_GRACE_SECONDS: '3',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 9100,
      environment: 'preview',
      gitRevision: 'abc1234',
      latencyTargets: [
        { host: '10.0.2.133', port: 22 },
        { host: 'db.internal', port: 5432 },
      ],
      latencyIntervalSeconds: 5,
      shutdownGraceSeconds: 3,
      logLevel: 'warn',
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', LATENCY_TARGETS: '', GIT_REVISION: ' ' })).toMatchObject({
      port: 8000,
      latencyTargets: [],
      gitRevision: undefined,
    });
  });

  it.each([
    ['PORT', '0', "Invalid PORT='0': expected a whole number from 1 to 65535."],
    ['PORT', '80a', "Invalid PORT='80a'"],
    ['PORT', '70000', 'from 1 to 65535'],
    [
      'APP_ENVIRONMENT',
      'production',
      "Invalid APP_ENVIRONMENT='production': expected one of dev, stage, prod, preview.",
    ],
    ['LOG_LEVEL', 'verbose', 'one of debug, info, warn, error'],
    ['LATENCY_TARGETS', '10.0.0.1', "bad entry '10.0.0.1'"],
    ['LATENCY_TARGETS', 'host:0', "bad entry 'host:0'"],
    ['LATENCY_TARGETS', 'a;rm -rf /:22', 'host:port'],
    ['LATENCY_TARGETS', 'a:1,a:1', "'a:1' repeats"],
    ['LATENCY_INTERVAL_SECONDS', '0', 'from 1 to 3600'],
    ['LATENCY_TIMEOUT_MS', '-5', "Invalid LATENCY_TIMEOUT_MS='-5'"],
    ['SHUTDOWN_GRACE_SECONDS', '1.5', "Invalid SHUTDOWN_GRACE_SECONDS='1.5'"],
    ['DISK_PATH', 'data', 'an absolute path'],
    ['GIT_REVISION', 'main', 'hex digits'],
    ['APP_NAME', 'a b', "Invalid APP_NAME='a b'"],
    ['IMAGE_REF', 'repo:tag with space', 'image reference'],
  ])('rejects %s=%j with an error naming the variable', (variable, value, message) => {
    const load = () => loadConfig({ [variable]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});
