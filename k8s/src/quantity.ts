const SUFFIXES: Record<string, number> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
};

/** A Kubernetes resource quantity (100m, 0.5, 128Mi, 1G) as a plain number; throws on other forms. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi)?$/.exec(quantity);
  if (!match)
    throw new Error(
      `Invalid quantity '${quantity}': expected a number with an optional m, k, M, G, Ki, Mi or Gi suffix.`,
    );
  return Number(match[1]) * SUFFIXES[match[2] ?? '']!;
}
