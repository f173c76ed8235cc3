import { beginTestRun, endTestRun } from '../sandbox/src/testing.js';

// The integration project's global setup starts nothing itself: test files bring up what they need with
// useSandbox(). It holds the run's lease, and its teardown stops what the run started.
export default function setup(): () => Promise<void> {
  const run = beginTestRun();
  return () => endTestRun(run);
}
