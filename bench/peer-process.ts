/**
 * A provider peer in a child process of its own (bench/peers.ts), as the benchmarks start them:
 * `ready` is what it answered on start, `stats()` asks for its counts and CPU, `close()` ends it.
 */
import { type ChildProcess, fork } from "node:child_process";
import { setPriority } from "node:os";
import type { PeerKind, PeerReady, PeerStats } from "./peers.ts";

export type PeerProcess = {
  child: ChildProcess;
  ready: PeerReady;
  stats(): Promise<PeerStats>;
  close(): void;
};

/**
 * `count`: push subscriptions for the push peer to make. `onStart`: called with the child as soon
 * as it exists (to kill it on an early exit). `nice`: its scheduling priority (19: the lowest).
 */
export async function startPeerProcess(
  kind: PeerKind,
  count = 0,
  options: { onStart?: (child: ChildProcess) => void; nice?: number } = {},
): Promise<PeerProcess> {
  const child = fork(new URL("./peers.ts", import.meta.url), [kind, String(count)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  options.onStart?.(child);
  if (options.nice !== undefined && child.pid) setPriority(child.pid, options.nice);
  const ready = await new Promise<PeerReady>((resolve) =>
    child.on("message", (m: { ready?: PeerReady }) => m.ready && resolve(m.ready)),
  );
  const stats = () =>
    new Promise<PeerStats>((resolve) => {
      const onMessage = (m: { stats?: PeerStats }) => {
        if (!m.stats) return;
        child.off("message", onMessage);
        resolve(m.stats);
      };
      child.on("message", onMessage);
      child.send("stats");
    });
  return { child, ready, stats, close: () => child.send("close") };
}
