/**
 * Builds the AppContext from a Config: opens the database, applies migrations, loads the ZIP
 * reference data, loads the PII keys, starts the job queue and picks the senders. `close()`
 * undoes it in reverse order.
 */
import type { Config } from "./config.ts";
import { type AppContext, type Clock, systemClock } from "./context.ts";
import { connectDatabase, type DatabaseHandle, DataDirLockedError } from "./db/connect.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { loadZipCodes } from "./db/zip-codes.ts";
import { createSenders, type SenderOptions } from "./delivery/senders.ts";
import { startBoss } from "./jobs/boss.ts";
import { ensureQueues } from "./jobs/queues.ts";
import type { Logger } from "./log.ts";
import { withDevelopmentPushKey } from "./security/development-push-keys.ts";
import { loadKeys } from "./security/keys.ts";
import { createPiiCipher } from "./security/pii.ts";

export type Runtime = AppContext & { close(): Promise<void> };

export class DatabaseUnavailableError extends Error {
  constructor(kind: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot open the ${kind} database: ${reason}`, { cause });
    this.name = "DatabaseUnavailableError";
  }
}

export async function createRuntime(
  configured: Config,
  log: Logger,
  options: { handle?: DatabaseHandle; clock?: Clock; senders?: SenderOptions } = {},
): Promise<Runtime> {
  const keys = loadKeys(configured, (message) => log.warn(message));
  const config = withDevelopmentPushKey(configured, (message) => log.warn(message));
  const pii = createPiiCipher(keys.keyring, keys.blindIndexKey, keys.previousBlindIndexKey);

  const handle = options.handle ?? (await openDatabase(config));
  try {
    const applied = await migrateToLatest(handle.db);
    if (applied.length > 0) log.info({ migrations: applied }, "migrations applied");
    const added = await loadZipCodes(handle.db);
    if (added > 0) log.info({ zipCodes: added }, "ZIP reference data loaded");
    const boss = await startBoss(handle, log);
    await ensureQueues(boss);
    const senders = createSenders(config, handle.db, pii, options.senders);
    const clock = options.clock ?? systemClock;
    return {
      config,
      handle,
      db: handle.db,
      pii,
      log,
      boss,
      senders,
      clock,
      async close() {
        await boss.stop({ graceful: true, timeout: 5_000 });
        for (const sender of Object.values(senders)) await sender.close?.();
        await handle.close();
      },
    };
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

async function openDatabase(config: Config): Promise<DatabaseHandle> {
  const kind = config.databaseUrl ? "Postgres" : "embedded (PGlite)";
  let handle: DatabaseHandle | undefined;
  try {
    handle = await connectDatabase(config);
    await handle.db.selectNoFrom((eb) => eb.val(1).as("one")).execute();
    return handle;
  } catch (error) {
    await handle?.close().catch(() => {});
    if (error instanceof DataDirLockedError) throw error; // not unavailable: someone else's
    throw new DatabaseUnavailableError(kind, error);
  }
}
