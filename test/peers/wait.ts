/**
 * "Resolve when the list has n items" for the peers' `waitFor(n, timeoutMs)`: event-driven (the
 * peer calls `notify()` after each push), so tests never sleep and never poll.
 */
export interface Arrivals<T> {
  notify(): void;
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
}

export function arrivals<T>(items: T[], what: string): Arrivals<T> {
  const waiters = new Set<() => void>();
  return {
    notify() {
      for (const check of waiters) check();
    },
    waitFor(n, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (items.length < n) return;
          finish();
          resolve(items.slice(0, n));
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`expected ${n} ${what} within ${timeoutMs} ms, got ${items.length}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
