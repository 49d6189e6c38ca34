/**
 * Everything a request or a job needs, built once at start-up (src/runtime.ts) and passed in:
 * config, database, cipher, logger, job queue, senders. Nothing reads the environment later.
 */
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Config } from "./config.ts";
import type { DatabaseHandle } from "./db/connect.ts";
import type { Channel, Database } from "./db/database.ts";
import type { Sender } from "./delivery/sender.ts";
import type { Logger } from "./log.ts";
import type { PiiCipher } from "./security/pii.ts";

export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

export type AppContext = {
  config: Config;
  handle: DatabaseHandle;
  db: Kysely<Database>;
  pii: PiiCipher;
  log: Logger;
  boss: PgBoss;
  senders: Record<Channel, Sender>;
  clock: Clock;
  /**
   * Set by the Cloudflare Worker, whose database pool closes as soon as a response is returned:
   * nothing may query it from a response body still being streamed (src/routes/sighting-events.ts).
   */
  requestScopedDatabase?: boolean;
};

/** What a request handler finds on Hono's `c.var`: this context and the request's id. */
export type AppEnv = { Variables: { ctx: AppContext; requestId: string } };
