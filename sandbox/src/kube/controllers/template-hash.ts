/**
 * The pod-template-hash label: FNV-32a over the pod template, printed in decimal and mapped onto the
 * alphabet Kubernetes uses for generated names (the same recipe as the real controller; the exact digits
 * differ because the real one hashes a Go dump of the struct).
 */
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function templateHash(template: unknown, collisionCount = 0): string {
  const digits = String(fnv32a(canonical(template) + (collisionCount ? String(collisionCount) : '')));
  return [...digits].map((d) => alphabet[d.charCodeAt(0) % alphabet.length]).join('');
}

/** Two pod templates are the same rollout target when they differ only in the pod-template-hash label. */
export function sameTemplate(a: unknown, b: unknown): boolean {
  const strip = (t: unknown) => {
    const copy = structuredClone(t) as { metadata?: { labels?: Record<string, string> } } | undefined;
    if (copy?.metadata?.labels) {
      delete copy.metadata.labels['pod-template-hash'];
      if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
    }
    return canonical(copy);
  };
  return strip(a) === strip(b);
}
