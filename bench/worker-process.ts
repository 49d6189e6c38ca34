/**
 * An extra delivery worker process for the fan-out benchmark: `--worker-processes N` forks N - 1
 * of these beside the benchmark's own, `--per-channel` one per channel (and the benchmark runs
 * none itself). Each runs the same workers as `aviso worker` (or `aviso worker --channels C`; or,
 * for the comparison, the naive ones) against the scratch database and the loopback peers, as
 * another `aviso worker` on the machine would, and times its hand-offs.
 *
 *   parent → { start: WorkerProcessSetup }   child → { ready: true }
 *   parent → "stop"                          child → { stopped: WorkerProcessReport }, then exits
 */
import { loadConfig } from "../src/config.ts";
import { connectPostgres } from "../src/db/connect.ts";
import type { Channel } from "../src/db/database.ts";
import { createPushAgent } from "../src/delivery/webpush-sender.ts";
import { createLogger } from "../src/log.ts";
import { createRuntime } from "../src/runtime.ts";
import { cpuSecondsSince } from "./proc-cpu.ts";
import { type Handoffs, startTimedWorkers, type Way } from "./timed-senders.ts";

export type WorkerProcessSetup = {
  way: Way;
  databaseUrl: string;
  /** The environment the benchmark's own configuration was loaded from. */
  env: Record<string, string>;
  /** The push peer's certificate, to trust. */
  pushCa: string;
  naiveConcurrency: number;
  /** Serve only these channels' delivery queues (Aviso's way); all when absent. */
  channels?: Channel[];
};

export type WorkerProcessReport = { handoffs: Handoffs; cpuS: number };

const setup = await new Promise<WorkerProcessSetup>((resolve) => {
  const onMessage = (message: { start?: WorkerProcessSetup }) => {
    if (!message.start) return;
    process.off("message", onMessage);
    resolve(message.start);
  };
  process.on("message", onMessage);
});

const config = loadConfig(setup.env);
const pushAgent = createPushAgent({ ca: setup.pushCa });
const handle = await connectPostgres(setup.databaseUrl, 10);
const runtime = await createRuntime(config, createLogger({ level: "warn", destination: process.stderr }), {
  handle,
  senders: { pushAgent },
});
const cpuBefore = process.cpuUsage();
const workers = await startTimedWorkers({
  way: setup.way,
  runtime,
  config,
  pushCa: setup.pushCa,
  naiveConcurrency: setup.naiveConcurrency,
  channels: setup.channels,
});
process.send?.({ ready: true });

process.on("message", (message) => {
  if (message !== "stop") return;
  void (async () => {
    await workers.stop();
    const report: WorkerProcessReport = { handoffs: workers.handoffs, cpuS: cpuSecondsSince(cpuBefore) };
    process.send?.({ stopped: report }, () => {
      void Promise.all([pushAgent.close(), runtime.close()]).finally(() => process.exit(0));
    });
  })();
});
