import * as core from '@actions/core';
import { containsSecret } from './mask.js';

/** What state can hold: anything JSON can carry. */
export type StateValue = string | number | boolean | null | StateValue[] | { [key: string]: StateValue };

/**
 * Typed post-step state. The main step saves values, the post step (a new process) reads them from the
 * runner's STATE_<name> variables. Values are JSON-encoded so types survive the trip. Masked values are
 * refused: state is a file on the runner and must not hold credentials.
 */
export interface StateStore<S extends Record<string, StateValue>> {
  save<K extends keyof S & string>(name: K, value: S[K]): void;
  get<K extends keyof S & string>(name: K): S[K] | undefined;
}

export function createStateStore<S extends Record<string, StateValue>>(): StateStore<S> {
  return {
    save(name, value) {
      const encoded = JSON.stringify(value);
      if (containsSecret(encoded)) {
        throw new Error(`Refusing to save state '${name}': it contains a masked secret`);
      }
      core.saveState(name, encoded);
    },
    get(name) {
      const encoded = core.getState(name);
      if (encoded === '') return undefined;
      try {
        return JSON.parse(encoded) as S[typeof name];
      } catch {
        throw new Error(`State '${name}' is not the JSON this action saved: ${encoded.slice(0, 80)}`);
      }
    },
  };
}

const POST_MARKER = 'lib-main-ran';

/** Called by the main step so that the post step knows there is something to clean up. */
export function markMainStepRan(): void {
  core.saveState(POST_MARKER, 'true');
}

/** True in the post step of a run whose main step got far enough to call markMainStepRan. */
export function mainStepRan(): boolean {
  return core.getState(POST_MARKER) === 'true';
}
