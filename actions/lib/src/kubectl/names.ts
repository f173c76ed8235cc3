/*
 * Kubernetes' own rules for names, the one definition every action and k8s/ use. Checked before a name
 * reaches kubectl's argv, so that a value such as `--all` or `a;b` can never become a flag or more than
 * one word, whatever builds the command line.
 */

/** The longest DNS-1123 label: namespaces, container names, Service names. */
export const DNS1123_LABEL_MAX_LENGTH = 63;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

/** A DNS-1123 label, its length included: 1 to 63 of a-z, 0-9 and '-', alphanumeric at both ends. */
export const DNS1123_LABEL = new RegExp(
  `^(?=.{1,${DNS1123_LABEL_MAX_LENGTH}}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$`,
);
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Namespaces, container names, Service names. */
export function isDns1123Label(value: string): boolean {
  return DNS1123_LABEL.test(value);
}

/** Most object names (Deployments, Pods): dot-separated labels, at most 253 characters. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= DNS1123_SUBDOMAIN_MAX_LENGTH && DNS1123_SUBDOMAIN.test(value);
}

/** A host name as DNS and an Ingress rule take it: a subdomain whose every part is a label. */
export function isDnsHostName(value: string): boolean {
  return isDns1123Subdomain(value) && value.split('.').every(isDns1123Label);
}

export const DNS1123_LABEL_EXPECTED = `a DNS-1123 label: at most ${DNS1123_LABEL_MAX_LENGTH} characters of a-z, 0-9 and '-', starting and ending with a letter or digit`;
export const DNS1123_SUBDOMAIN_EXPECTED = `a DNS-1123 subdomain: at most ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters of a-z, 0-9, '-' and '.', each part starting and ending with a letter or digit`;

/** Throws unless `value` is a valid name of the given kind; `what` names it in the message. */
export function assertKubeName(what: string, value: string, rule: 'label' | 'subdomain'): void {
  const ok = rule === 'label' ? isDns1123Label(value) : isDns1123Subdomain(value);
  if (!ok) {
    const expected = rule === 'label' ? DNS1123_LABEL_EXPECTED : DNS1123_SUBDOMAIN_EXPECTED;
    throw new Error(`Invalid ${what} ${JSON.stringify(value)}: expected ${expected}.`);
  }
}
