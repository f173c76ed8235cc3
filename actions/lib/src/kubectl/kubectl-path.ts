import { ConfigurationError } from '../errors.js';

// kubectl gets these paths as one argv word: quoted for the node's shell over SSH, spawned without a
// shell on the runner. No shell expands them, so `~/x` or `$HOME/x` would silently name another file;
// a leading '-' would become a flag.
const PATH = /^(?:\/|\.\/)?[A-Za-z0-9_.+-]+(?:\/[A-Za-z0-9_.+-]+)*$/;

export const KUBECTL_PATH_EXPECTED =
  "a path where kubectl runs, absolute or relative (to the login directory over SSH), of letters, digits and '_ . + - /': no shell expands it, so no '~' or '$'; no '..'; not starting with '-'";

/**
 * Checks the `kubectl` and `kubeconfig` path inputs, the same way in every action: the root action hands
 * ssh-set-image and rollout-wait the same values. A bare program name (`kubectl`) is found on PATH.
 */
export function checkKubectlPath(input: string, value: string): string {
  if (!PATH.test(value) || value.startsWith('-') || value.split('/').includes('..')) {
    throw ConfigurationError.invalidInput(input, value, KUBECTL_PATH_EXPECTED);
  }
  return value;
}
