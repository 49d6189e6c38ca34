/**
 * Prepared statements for the hottest few statements (issue 20): a statement whose SQL starts with
 * PREPARED is, on Postgres, parsed and planned once per connection and then only bound and run
 * (prepared-pool.ts does it). For the SMS webhook's claim, planning was a third of the statement's
 * time (docs/benchmarks.md, "Prepared statements"). Only marked statements: each one stays in its
 * connection's memory, and a query built with a varying number of placeholders leaves one per
 * shape. PGlite reads the marker as the comment it is.
 */
import { sql } from "kysely";

export const PREPARED_MARKER = "/* aviso:prepared */";

/** Put first in a statement's SQL: sql`${PREPARED} SELECT …`. */
export const PREPARED = sql.raw(`${PREPARED_MARKER} `);
