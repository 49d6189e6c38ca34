/**
 * Reading a server-sent event stream over real HTTP, as a browser's EventSource would: the events
 * as they arrive (name and data), the raw text for checks on what was sent at all, and a wait for
 * an event that matches, within a bound.
 */
export type SseEvent = { event: string; data: string };

export type SseReader = {
  status: number;
  headers: Headers;
  events: SseEvent[];
  raw(): string;
  /** The first event (already arrived or yet to) that matches; throws after `ms`. */
  next(match: (e: SseEvent) => boolean, ms: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
};

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  let raw = "";
  let buffer = "";
  const waiters = new Set<() => void>();
  let finished = false;
  const ended = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const chunk = decoder.decode(value, { stream: true });
        raw += chunk;
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart());
          const name =
            lines
              .find((l) => l.startsWith("event:"))
              ?.slice(6)
              .trim() ?? "message";
          if (data.length > 0) events.push({ event: name, data: data.join("\n") });
          end = buffer.indexOf("\n\n");
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // Aborted by close(): the stream is over.
    } finally {
      finished = true;
      for (const wake of waiters) wake();
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    raw: () => raw,
    ended,
    close: () => abort.abort(),
    next(match, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (finished) {
            cleanup();
            reject(new Error(`the stream ended without the event; got ${JSON.stringify(events)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events)}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
