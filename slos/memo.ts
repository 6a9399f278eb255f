/**
 * A bounded cache of pure results by string key. Generated scenarios repeat the same sample
 * series for every SLO that shares an objective and alert windows (a catalog has few distinct
 * objectives), so each series is computed once; the bound keeps a catalog of all-distinct
 * objectives from holding every series (the oldest entry goes first).
 */
export function boundedMemo<T>(maxEntries: number): (key: string, compute: () => T) => T {
  const cache = new Map<string, T>();
  return (key, compute) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, value);
    return value;
  };
}
