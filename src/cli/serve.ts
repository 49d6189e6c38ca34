import type { Config } from "../config.ts";
import { startServer } from "../entry/node.ts";
import type { Logger } from "../log.ts";
import { openSetupLink } from "../routes/setup.ts";
import { createRuntime } from "../runtime.ts";
import { adminExists } from "../services/users/first-admin.ts";
import { untilSignal } from "./signals.ts";

export async function runServe(config: Config, log: Logger, options: { workers: boolean }): Promise<number> {
  const runtime = await createRuntime(config, log);
  const server = await startServer(runtime, { workers: options.workers || runtime.handle.kind === "pglite" });
  const database = runtime.handle.kind === "pglite" ? `embedded PGlite in ${config.dataDir}` : "Postgres";
  log.info({ url: server.url, database, workers: options.workers }, "Aviso is listening");
  if (config.localMode) {
    const missing = (["sms", "email", "push", "whatsapp"] as const).filter((channel) => !config[channel]);
    if (!config.sms?.voiceFrom) missing.push("voice" as never);
    log.warn(
      `LOCAL MODE: no provider for ${missing.join(", ")}; those messages go to the local outbox at ${server.url}/dev/outbox and reach nobody.`,
    );
  }
  console.log(`\n  Aviso is running at ${server.url}  (health: ${server.url}/healthz)\n`);
  if (!(await adminExists(runtime.db))) {
    // A secret, so stdout only, never the structured log (which may be shipped elsewhere).
    const base = config.env === "production" ? config.publicUrl : server.url;
    console.log(
      "  No admin account exists yet. Create the first one here (this link works once, and only\n" +
        `  until this process stops):\n\n  ${base}/setup?token=${openSetupLink(runtime)}\n`,
    );
  }
  await untilSignal();
  await server.close();
  await runtime.close();
  return 0;
}
