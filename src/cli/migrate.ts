import type { Config } from "../config.ts";
import { connectDatabase } from "../db/connect.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { loadZipCodes } from "../db/zip-codes.ts";
import { startBoss } from "../jobs/boss.ts";
import { ensureQueues } from "../jobs/queues.ts";
import type { Logger } from "../log.ts";

export async function runMigrate(config: Config, log: Logger): Promise<number> {
  const handle = await connectDatabase(config);
  try {
    const applied = await migrateToLatest(handle.db);
    const zipCodes = await loadZipCodes(handle.db);
    // The job queue's schema and queues as well: a Cloudflare Worker publishes into them without
    // ever starting pg-boss, so they must exist before the first `aviso worker` has run.
    const boss = await startBoss(handle, log, { schedule: false, supervise: false });
    try {
      await ensureQueues(boss);
    } finally {
      await boss.stop({ graceful: true, timeout: 5_000 });
    }
    log.info({ applied, zipCodes }, applied.length ? "migrations applied" : "database already up to date");
    return 0;
  } finally {
    await handle.close();
  }
}
