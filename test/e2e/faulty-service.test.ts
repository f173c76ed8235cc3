import { describe, expect, test } from 'vitest';
import { FAULT_PRELOAD_PATH, faultEnv, faultyDockerfile } from './faulty-service.js';

describe('faulty service images', () => {
  test('faultEnv configures the preload for an error share or a delay', () => {
    expect(faultEnv({ errors: 0.3 })).toEqual({ K8S_SHIP_FAULT_ERROR_SHARE: '0.3' });
    expect(faultEnv({ delayMs: 800 })).toEqual({ K8S_SHIP_FAULT_DELAY_MS: '800' });
  });

  test.each([
    [{ errors: 1.5 }, /errors 1.5: expected a share from 0 to 1/],
    [{ errors: Number.NaN }, /errors NaN/],
    [{ delayMs: 0 }, /delayMs 0: expected whole milliseconds/],
    [{ delayMs: 2.5 }, /delayMs 2.5/],
  ])('faultEnv refuses %o', (fault, message) => {
    expect(() => faultEnv(fault)).toThrow(message);
  });

  test('faultyDockerfile builds FROM the good service image and preloads the fault through NODE_OPTIONS', () => {
    expect(
      faultyDockerfile('registry.local/svc@sha256:abc', { errors: 0.25 }, 'k8s-ship.test=x').split('\n'),
    ).toEqual([
      'FROM registry.local/svc@sha256:abc',
      `COPY fault.cjs ${FAULT_PRELOAD_PATH}`,
      `ENV NODE_OPTIONS=--require=${FAULT_PRELOAD_PATH}`,
      'ENV K8S_SHIP_FAULT_ERROR_SHARE=0.25',
      'LABEL k8s-ship.test=x',
      '',
    ]);
  });
});
