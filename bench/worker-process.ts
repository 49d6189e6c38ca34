/**
 * An extra delivery worker process for the fan-out benchmark: `--worker-processes N` forks N - 1
 * of these beside the benchmark's own. Each runs the same workers as `aviso worker` (or, for the
 * comparison, the naive ones) against the scratch database and the loopback peers, as a second
 * `aviso worker` on the machine would, and times its hand-offs.
 *
 *   parent → { start: WorkerProcessSetup }   child → { ready: true }
 *   parent → "stop"                          child → { stopped: WorkerProcessReport }, then exits
 */
import https from "node:https";
import { loadConfig } from "../src/config.ts";
import { connectPostgres } from "../src/db/connect.ts";
import { createLogger } from "../src/log.ts";
import { createRuntime } from "../src/runtime.ts";
import { startDeliveryWorkers } from "../workers/deliveries.ts";
import { naiveSenders, startNaiveWorkers } from "./naive.ts";
import { type Handoffs, timed } from "./timed-senders.ts";

export type WorkerProcessSetup = {
  way: "aviso" | "naive";
  databaseUrl: string;
  /** The environment the benchmark's own configuration was loaded from. */
  env: Record<string, string>;
  /** The push peer's certificate, to trust. */
  pushCa: string;
  naiveConcurrency: number;
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
const pushAgent = new https.Agent({ ca: setup.pushCa, keepAlive: true });
const handle = await connectPostgres(setup.databaseUrl, 10);
const runtime = await createRuntime(config, createLogger({ level: "warn", destination: process.stderr }), {
  handle,
  senders: { pushAgent },
});
const cpuBefore = process.cpuUsage();
const measured = timed(setup.way === "aviso" ? runtime.senders : naiveSenders(config, pushAgent));
const ctx = { ...runtime, senders: measured.senders };
const workers =
  setup.way === "aviso"
    ? await startDeliveryWorkers(ctx)
    : await startNaiveWorkers(ctx, measured.senders, setup.naiveConcurrency);
process.send?.({ ready: true });

process.on("message", (message) => {
  if (message !== "stop") return;
  void (async () => {
    await workers.stop();
    if (setup.way === "naive") for (const sender of Object.values(measured.senders)) await sender.close?.();
    const cpu = process.cpuUsage(cpuBefore);
    const report: WorkerProcessReport = { handoffs: measured.handoffs, cpuS: (cpu.user + cpu.system) / 1e6 };
    process.send?.({ stopped: report }, () => {
      pushAgent.destroy();
      void runtime.close().finally(() => process.exit(0));
    });
  })();
});
