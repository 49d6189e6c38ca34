/**
 * Prepared statements for the hottest few statements (issue 20): a statement whose SQL starts with
 * PREPARED is, on Postgres, parsed once per connection and then only bound and run (prepared-pool.ts
 * does it; Postgres still re-plans it when a custom plan is cheaper). Postgres CPU per text at the
 * SMS webhook fell from 1.3-1.5 to 1.0-1.1 ms (docs/benchmarks.md, "what Postgres spends on a
 * text, and prepared statements"). Only marked statements: each one stays in its connection's
 * memory, and a query built with a varying number of placeholders leaves one per shape. PGlite
 * reads the marker as the comment it is.
 */
import { sql } from "kysely";

export const PREPARED_MARKER = "/* aviso:prepared */";

/** Put first in a statement's SQL: sql`${PREPARED} SELECT …`. */
export const PREPARED = sql.raw(`${PREPARED_MARKER} `);
