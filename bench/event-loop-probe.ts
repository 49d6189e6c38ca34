/**
 * Preloaded into the webhook benchmark's server (`node --import`), so a run can tell whether a slow
 * tail was the server's event loop being held up or time spent elsewhere (Postgres, the machine):
 * it samples the loop's delay and answers the parent over IPC.
 *
 *   parent → "event-loop-delay?"   child → { eventLoopDelay: { p99Ms, maxMs } }, then starts afresh
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

export type EventLoopDelay = { p99Ms: number; maxMs: number };

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();

process.on("message", (message) => {
  if (message !== "event-loop-delay?") return;
  const eventLoopDelay: EventLoopDelay = {
    p99Ms: histogram.percentile(99) / 1e6,
    maxMs: histogram.max / 1e6,
  };
  histogram.reset();
  process.send?.({ eventLoopDelay });
});
// The IPC channel must not keep the server alive once it has shut down.
process.channel?.unref();
