/**
 * The pool Kysely gets on Postgres: node-postgres's, except that a statement marked PREPARED
 * (prepared.ts) is sent as a named statement, named after a hash of its text. node-postgres then
 * has Postgres parse it once per connection and afterwards only bind and execute it; two texts
 * never share a name, and one text always finds its statement again.
 *
 * A pooler between us and Postgres must keep server-side prepared statements per client
 * (PgBouncer 1.21 or newer with max_prepared_statements; see docs/deploy.md).
 */
import { createHash } from "node:crypto";
import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";
import { PREPARED_MARKER } from "./prepared.ts";

/** Kysely's view of `pool`, with marked statements prepared. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per pg client, for the client's life: Kysely keeps its connection state keyed by
  // the object connect() returns, so a new wrapper per checkout would be a new connection to it.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    Client: (pool as unknown as { Client: PostgresPool["Client"] }).Client,
    options: pool.options,
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function wrap(client: pg.PoolClient): PostgresPoolClient {
  return {
    // Kysely reads the backend's pid from here (to cancel a statement) instead of asking for it.
    get processID() {
      return (client as unknown as { processID?: number }).processID;
    },
    query(text: unknown, values?: unknown) {
      const name = typeof text === "string" ? preparedName(text) : undefined;
      if (name) return client.query({ name, text: text as string, values: values as unknown[] });
      return client.query(text as string, values as unknown[]);
    },
    release: (destroy?: boolean) => client.release(destroy),
  } as unknown as PostgresPoolClient;
}

const names = new Map<string, string>();

/** The statement name for a marked SQL text; undefined for any other text. */
export function preparedName(text: string): string | undefined {
  if (!text.startsWith(PREPARED_MARKER)) return undefined;
  let name = names.get(text);
  if (name === undefined) {
    name = `aviso_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    // Remembered: hashing a 3 KB text costs about 3 µs, a lookup a tenth of one. Marked statements
    // are a handful of fixed texts; the bound only guards against a mistake.
    if (names.size >= 1_000) names.clear();
    names.set(text, name);
  }
  return name;
}
