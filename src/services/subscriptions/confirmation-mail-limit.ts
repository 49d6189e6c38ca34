/**
 * At most one confirmation mail per mailbox per RESEND_AFTER_MINUTES, for both ways in (the
 * subscribe form and a texted address), across processes and concurrent requests. The mailbox is
 * src/security/email-address.ts's mailboxKey (case, `+tag` and Gmail's dots folded), stored only as
 * a blind index under its own purpose. One conditional upsert decides: it writes the time and
 * answers a row only when the mailbox was not mailed within the window, and a concurrent request
 * for the same mailbox waits on the row and then sees it taken. Called inside the transaction that
 * enqueues the mail, so a rolled-back sign-up frees the slot.
 */
import { sql } from "kysely";
import type { DbOrTx } from "../../db/transaction.ts";
import { mailboxKey } from "../../security/email-address.ts";
import type { PiiCipher } from "../../security/pii.ts";

export const RESEND_AFTER_MINUTES = 10;

export async function takeConfirmationMailSlot(
  ctx: { db: DbOrTx; pii: PiiCipher },
  input: { address: string; now: Date },
): Promise<boolean> {
  const key = ctx.pii.blindIndex(mailboxKey(input.address), "confirmation-mailbox");
  const since = new Date(input.now.getTime() - RESEND_AFTER_MINUTES * 60_000);
  const { rows } = await sql<{ mailed_at: Date }>`
    INSERT INTO confirmation_mailboxes (mailbox_index, mailed_at) VALUES (${key}, ${input.now})
    ON CONFLICT (mailbox_index) DO UPDATE SET mailed_at = EXCLUDED.mailed_at
      WHERE confirmation_mailboxes.mailed_at <= ${since}
    RETURNING mailed_at`.execute(ctx.db);
  return rows.length > 0;
}
