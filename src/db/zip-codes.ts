/**
 * Loads the ZIP-code reference table from the `zipcodes` package (ZIP, city, state, coordinates).
 * Idempotent: run at every start-up, it inserts only what is missing, so a package update that adds
 * ZIPs reaches existing installations.
 */
import { sql } from "kysely";
import { codes } from "zipcodes/lib/codes.js";
import type { DbOrTx } from "./transaction.ts";

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
  // One statement with five array parameters: far cheaper to send and plan, on PGlite most of
  // all, than 42,000 rows of bound values in batches (it is part of a first start's wait).
  const result = await sql`
    INSERT INTO zip_codes (zip, city, state, latitude, longitude)
    SELECT * FROM unnest(${rows.map((r) => r.zip)}::text[], ${rows.map((r) => r.city)}::text[],
      ${rows.map((r) => r.state)}::text[], ${rows.map((r) => r.latitude)}::float8[],
      ${rows.map((r) => r.longitude)}::float8[])
    ON CONFLICT (zip) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
