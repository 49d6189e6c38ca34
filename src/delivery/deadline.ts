/**
 * A provider request with a deadline: `run` gets a signal that aborts after `ms` with an error
 * whose code is ETIMEDOUT (as node:http's timeouts had), and the timer is cleared as soon as the
 * request settles. AbortSignal.timeout would keep every request's timer, and its signal, alive for
 * the whole timeout: about 10 MB for the 20,000 texts a worker sends in 15 s of a fan-out.
 * undici's own headersTimeout is no substitute: it is checked about once a second.
 */
export async function withDeadline<T>(
  ms: number,
  what: string,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(Object.assign(new Error(`${what} timed out`), { code: "ETIMEDOUT" })),
    ms,
  );
  try {
    return await run(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
