import { startWorkers } from "../../workers/index.ts";
import type { Config } from "../config.ts";
import type { Channel } from "../db/database.ts";
import type { Logger } from "../log.ts";
import { createRuntime } from "../runtime.ts";
import { untilSignal } from "./signals.ts";

export async function runWorker(
  config: Config,
  log: Logger,
  options: { channels?: Channel[] },
): Promise<number> {
  if (!config.databaseUrl) {
    console.error(
      "aviso: `aviso worker` needs DATABASE_URL. On the embedded database, `aviso serve` runs the workers itself.",
    );
    return 1;
  }
  const runtime = await createRuntime(config, log);
  const workers = await startWorkers(runtime, { channels: options.channels });
  log.info({ pid: process.pid, channels: options.channels ?? "all" }, "worker started");
  await untilSignal();
  await workers.stop();
  await runtime.close();
  return 0;
}
