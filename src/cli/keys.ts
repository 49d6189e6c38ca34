/**
 * `aviso keys rotate [--batch-size N]`: re-encrypts every sealed value under the first key of
 * PII_ENCRYPTION_KEYS and re-indexes every address under BLIND_INDEX_KEY (see
 * src/services/keys/rotate-keys.ts, and docs/privacy.md for the whole procedure). Safe while the
 * service runs on Postgres; the embedded database is one process only, so stop `aviso serve`
 * first there. Prints counts, never a value.
 */
import { parseArgs } from "node:util";
import { createLogger } from "../log.ts";
import { loadKeys } from "../security/keys.ts";
import { createPiiCipher } from "../security/pii.ts";
import type { RotationReport } from "../services/keys/rotate-keys.ts";
import { loadConfigOrSay } from "./load-config.ts";
import { messageOf, showHelp, usageError, wantsHelp } from "./usage.ts";

export const KEYS_USAGE = `Usage: aviso keys rotate [--batch-size N]

  Re-encrypts every stored address and callback number under the first key of
  PII_ENCRYPTION_KEYS, and re-indexes every address under BLIND_INDEX_KEY (when
  BLIND_INDEX_KEY_PREVIOUS names the key being retired). Batches of N rows (default 500);
  safe to stop and run again. See docs/privacy.md, "Rotating keys".`;

/** A pass that met rows the service changed meanwhile is followed by another, up to this many. */
const MAX_PASSES = 3;

type Env = Record<string, string | undefined>;

export async function runKeys(args: string[], env: Env): Promise<number> {
  if (wantsHelp(args)) return showHelp(KEYS_USAGE);
  const [subcommand, ...rest] = args;
  if (subcommand !== "rotate") {
    return usageError(subcommand ? `unknown subcommand "keys ${subcommand}"` : undefined, KEYS_USAGE);
  }
  let batchSize: number;
  try {
    const { values } = parseArgs({
      args: rest,
      options: { "batch-size": { type: "string", default: "500" } },
      strict: true,
    });
    batchSize = Number(values["batch-size"]);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new Error("--batch-size must be a whole number from 1 to 10000");
    }
  } catch (error) {
    return usageError(messageOf(error), KEYS_USAGE);
  }
  const config = loadConfigOrSay(env);
  if (!config) return 1;
  const log = createLogger({ level: config.logLevel, destination: process.stderr });
  const keys = loadKeys(config, (message) => log.warn(message));
  const pii = createPiiCipher(keys.keyring, keys.blindIndexKey, keys.previousBlindIndexKey);
  // The database code is loaded only now: a usage mistake above answers at once.
  const [{ connectDatabase }, { rotateKeys }] = await Promise.all([
    import("../db/connect.ts"),
    import("../services/keys/rotate-keys.ts"),
  ]);
  const handle = await connectDatabase(config);
  try {
    let report: RotationReport | undefined;
    for (let pass = 1; pass <= MAX_PASSES; pass += 1) {
      report = await rotateKeys({
        ctx: { db: handle.db, pii },
        input: {
          batchSize,
          onBatch: (table, progress) => log.info({ pass, table, ...progress }, "keys rotate: batch"),
        },
      });
      const raced = Object.values(report).reduce((sum, table) => sum + table.raced, 0);
      if (raced === 0) break;
    }
    for (const [table, counts] of Object.entries(report!)) {
      console.log(
        `${table.padEnd(12)} scanned ${counts.scanned}, re-encrypted ${counts.reencrypted}, ` +
          `re-indexed ${counts.reindexed}, merged ${counts.merged}, changed meanwhile ${counts.raced}, ` +
          `unreadable ${counts.failed}`,
      );
    }
    const failed = Object.values(report!).reduce((sum, table) => sum + table.failed, 0);
    if (failed > 0) {
      console.error(
        `aviso: ${failed} values could not be decrypted; is a key missing from PII_ENCRYPTION_KEYS? ` +
          "Keep every old key in the ring until this command reports none.",
      );
      return 1;
    }
    console.log(
      `Everything is under key "${pii.activeKeyId}" and the current blind-index key. ` +
        "Once every process runs with this configuration, older keys may leave PII_ENCRYPTION_KEYS.",
    );
    return 0;
  } finally {
    await handle.close();
  }
}
