/**
 * A ceiling on web sign-ups (email and push) per client IP address per hour, so nobody can script
 * the subscribe form into a mail cannon or fill the table with junk. Counted in the same UNLOGGED
 * counter table as SMS replies (purged daily by housekeeping), keyed by a blind index of the
 * client's key under its own purpose (src/security/client-key.ts: an IPv4 address, or an IPv6 /64, so
 * one line cannot cycle through its addresses): the IP itself is never stored.
 */
import { sql } from "kysely";
import type { DbOrTx } from "../../db/transaction.ts";
import { clientKey } from "../../security/client-key.ts";
import type { PiiCipher } from "../../security/pii.ts";

export async function takeWebSignupSlot(
  ctx: { db: DbOrTx; pii: PiiCipher },
  input: { ip: string; limitPerHour: number; now: Date },
): Promise<boolean> {
  const key = ctx.pii.blindIndex(clientKey(input.ip), "web-signup-ip");
  const hour = new Date(Math.floor(input.now.getTime() / 3_600_000) * 3_600_000);
  const { rows } = await sql<{ count: number }>`
    INSERT INTO sms_rate_counters (key, window_start, count) VALUES (${key}, ${hour}, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
    RETURNING count`.execute(ctx.db);
  return (rows[0]?.count ?? 0) <= input.limitPerHour;
}
