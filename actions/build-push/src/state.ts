import { createStateStore } from '../../lib/src/index.js';

/** What the post step needs to log out; never a credential (the store refuses masked values). */
export const buildPushState = createStateStore<{
  /** The temporary DOCKER_CONFIG that holds this job's login. */
  dockerConfig: string;
  registry: string;
}>();
