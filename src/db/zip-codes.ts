/**
 * Loads the ZIP-code reference table from the `zipcodes` package (ZIP, city, state, coordinates).
 * Idempotent: run at every start-up, it inserts only what is missing, so a package update that adds
 * ZIPs reaches existing installations.
 */
import { sql } from "kysely";
import { codes } from "zipcodes/lib/codes.js";
import type { DbOrTx } from "./transaction.ts";

const BATCH = 2_000;

export function referenceZipCodes() {
  return Object.values(codes)
    .filter((row) => row.country === "US" && /^\d{5}$/.test(row.zip))
    .map((row) => ({
      zip: row.zip,
      city: row.city,
      state: row.state,
      latitude: row.latitude,
      longitude: row.longitude,
    }));
}

/** Returns how many rows were added. */
export async function loadZipCodes(db: DbOrTx): Promise<number> {
  const rows = referenceZipCodes();
  const { count } = await db
    .selectFrom("zip_codes")
    .select(sql<string>`count(*)`.as("count"))
    .executeTakeFirstOrThrow();
  if (Number(count) >= rows.length) return 0;
  let added = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const result = await db
      .insertInto("zip_codes")
      .values(rows.slice(i, i + BATCH))
      .onConflict((oc) => oc.column("zip").doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}
