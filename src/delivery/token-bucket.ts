/**
 * A token bucket that paces sends to a provider's rate: `take(cost)` resolves when the caller may
 * send something worth `cost` tokens (an SMS of two segments costs two: carriers rate segments).
 * Callers are served in the order they asked (each reserves the next free slot), so a burst never
 * starves an early caller. `pause(ms)` pushes every later slot back, for a provider's 429.
 *
 * Implemented as GCRA (a virtual "theoretical arrival time"), which is a token bucket without a
 * timer: `capacity` tokens may go at once, then one every 1/rate seconds.
 */
export type TokenBucket = {
  readonly ratePerSecond: number;
  take(cost?: number, signal?: AbortSignal): Promise<void>;
  pause(ms: number): void;
};

export function createTokenBucket(
  ratePerSecond: number,
  options: { capacity?: number; now?: () => number } = {},
): TokenBucket {
  if (!(ratePerSecond > 0)) throw new Error("ratePerSecond must be positive");
  const now = options.now ?? (() => performance.now());
  const interval = 1000 / ratePerSecond;
  const capacity = Math.max(1, options.capacity ?? Math.min(ratePerSecond, 100));
  const tolerance = (capacity - 1) * interval;
  let arrival = now();

  return {
    ratePerSecond,
    async take(cost = 1, signal) {
      const t = now();
      arrival = Math.max(arrival, t);
      const wait = arrival - tolerance - t;
      arrival += interval * Math.max(1, cost);
      if (wait > 0) await sleep(wait, signal);
    },
    pause(ms) {
      arrival = Math.max(arrival, now() + ms + tolerance);
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
