/** Small HTTP helpers over Node's fetch: JSON with a timeout, and polling until a condition holds. */

/** GET or POST `url` and parse JSON; rejects with the status and body on a non-2xx answer. */
export async function fetchJson<T>(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `probe` every `intervalMs` until it returns a value other than `undefined` (errors count as
 * "not yet"), or rejects after `timeoutMs` with `what` and the last error.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Resolves once `url` answers 200 (a server's readiness endpoint). */
export async function waitReady(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  await waitFor(
    url,
    async () => {
      if (!isAlive()) throw new Error('the process exited');
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.ok ? true : undefined;
    },
    timeoutMs,
  );
}
