/** The arithmetic of rolling updates, as the real deployment controller does it. */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+%$/.test(value)) {
    const exact = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return 0;
}

/** [maxSurge, maxUnavailable] for a deployment; both zero is not allowed, so unavailable becomes 1. */
export function surgeAndUnavailable(
  strategy: { type?: string; rollingUpdate?: Record<string, unknown> } | undefined,
  replicas: number,
): [number, number] {
  if (strategy?.type === 'Recreate') return [0, replicas];
  const surge = resolveIntOrPercent(strategy?.rollingUpdate?.maxSurge ?? '25%', replicas, true);
  const unavailable = resolveIntOrPercent(strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) return [0, 1];
  return [surge, unavailable];
}

export function maxUnavailable(
  strategy: Parameters<typeof surgeAndUnavailable>[0],
  replicas: number,
): number {
  if (strategy?.type !== 'RollingUpdate' || replicas === 0) return 0;
  const [, unavailable] = surgeAndUnavailable(strategy, replicas);
  return Math.min(unavailable, replicas);
}
