/**
 * What the fuzz tests share: nasty strings and JSON, and a fingerprint of every table (bar the
 * counters and the record of failed sign-ins, which exist to count refusals) and of the job queue,
 * to check that a refused request wrote nothing.
 */
import fc from "fast-check";
import { type Kysely, sql } from "kysely";

/** Columns that change when nothing was written: the last use of a session or a key. */
const VOLATILE = new Set(["sessions.last_seen_at", "api_keys.last_used_at"]);
/** Tables that exist to count refusals, and reference data. */
const SKIPPED = new Set([
  "sms_rate_counters",
  "login_attempts",
  "zip_codes",
  "kysely_migration",
  "kysely_migration_lock",
]);

export type Fingerprint = () => Promise<string>;

/** A function that sums up the whole database in one string; equal strings, nothing written. */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export async function databaseFingerprint(db: Kysely<any>): Promise<Fingerprint> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name, c.ordinal_position`.execute(db);
  const tables = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of rows) {
    if (SKIPPED.has(table) || VOLATILE.has(`${table}.${column}`)) continue;
    tables.set(table, [...(tables.get(table) ?? []), column]);
  }
  const parts = [...tables].map(([table, columns]) => {
    const row = sql`ROW(${sql.join(columns.map((column) => sql.ref(column)))})::text`;
    // Failed sign-ins are audited by design; everything else in the audit log is a change.
    const where = table === "audit_log" ? sql`WHERE action NOT LIKE 'auth.%'` : sql``;
    return sql`(SELECT md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) FROM ${sql.table(table)} ${where})`;
  });
  const query = sql<{ fingerprint: string }>`
    SELECT concat_ws(',', ${sql.join(parts)}, (SELECT count(*)::text FROM pgboss.job)) AS fingerprint`;
  return async () => (await query.execute(db)).rows[0]!.fingerprint;
}

/** Row counts of every table the fingerprint covers, so a failure says what was written. */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export async function rowCounts(db: Kysely<any>): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  const counted = tables.map((t) => t.table_name).filter((table) => !SKIPPED.has(table));
  const { rows } = await sql<{ t: string; n: string }>`${sql.join(
    counted.map(
      (table) =>
        // Failed sign-ins are audited by design (as in the fingerprint).
        sql`SELECT ${table} AS t, count(*)::text AS n FROM ${sql.table(table)} ${
          table === "audit_log" ? sql`WHERE action NOT LIKE 'auth.%'` : sql``
        }`,
    ),
    sql` UNION ALL `,
  )}`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.t, Number(row.n)]));
}

export const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ minLength: 2_000, maxLength: 6_000 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "null",
    "__proto__",
    "constructor",
    "../../etc/passwd",
    "%00",
    "'; DROP TABLE subscribers; --",
    "94607",
    "+15105550100",
    "00000000-0000-0000-0000-000000000000",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "😀".repeat(500),
    "9".repeat(30),
  ),
);

export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nastyText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(nastyText, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** An array nested `depth` deep: JSON that parses, and trips anything recursive. */
export const nested = fc
  .integer({ min: 50, max: 3_000 })
  .map((depth) => `${"[".repeat(depth)}1${"]".repeat(depth)}`);
