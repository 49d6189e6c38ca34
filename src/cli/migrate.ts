import type { Config } from "../config.ts";
import { connectDatabase } from "../db/connect.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { loadZipCodes } from "../db/zip-codes.ts";
import type { Logger } from "../log.ts";

export async function runMigrate(config: Config, log: Logger): Promise<number> {
  const handle = await connectDatabase(config);
  try {
    const applied = await migrateToLatest(handle.db);
    const zipCodes = await loadZipCodes(handle.db);
    log.info({ applied, zipCodes }, applied.length ? "migrations applied" : "database already up to date");
    return 0;
  } finally {
    await handle.close();
  }
}
