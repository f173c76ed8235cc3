import { isIPv4 } from 'node:net';

/** Where the runner asks for its own public address unless told: AWS's own echo service. */
export const DEFAULT_RUNNER_IP_URL = 'https://checkip.amazonaws.com';

/**
 * The runner's public IPv4 address: the one given, or what `lookupUrl` answers (a plain-text echo
 * service). Security group rules are /32 of exactly this address.
 */
export async function resolveRunnerAddress(
  given: string | undefined,
  lookupUrl: string,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 10_000,
): Promise<string> {
  if (given !== undefined) {
    if (!isIPv4(given)) throw new Error(`runner address ${JSON.stringify(given)} is not an IPv4 address`);
    return given;
  }
  const response = await fetchImpl(lookupUrl, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok)
    throw new Error(`${lookupUrl} answered HTTP ${response.status} when asked for the runner's address`);
  const text = (await response.text()).trim();
  if (!isIPv4(text)) {
    throw new Error(
      `${lookupUrl} answered ${JSON.stringify(text.slice(0, 100))}, expected the runner's IPv4 address`,
    );
  }
  return text;
}
