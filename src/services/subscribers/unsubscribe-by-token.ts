/**
 * The email unsubscribe link's two verbs: look up whom a token names (for the confirmation page,
 * which changes nothing, since mail scanners fetch links), and stop that subscriber (the POST,
 * RFC 8058 one-click or the page's button). Stopping is idempotent.
 */
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { verifyUnsubscribeToken } from "../../security/unsubscribe-token.ts";

export type TokenSubscriber = { id: string; language: Language; stopped: boolean };

type Ctx = Pick<AppContext, "pii" | "clock"> & { db: DbOrTx };

export async function findUnsubscribeSubscriber({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<TokenSubscriber | null> {
  const id = verifyUnsubscribeToken(ctx.pii, input.token);
  if (!id) return null;
  const row = await ctx.db
    .selectFrom("subscribers")
    .select(["id", "language", "status"])
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? { id: row.id, language: row.language, stopped: row.status === "stopped" } : null;
}

export async function unsubscribeByToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<TokenSubscriber | null> {
  const subscriber = await findUnsubscribeSubscriber({ ctx, input });
  if (!subscriber) return null;
  if (!subscriber.stopped) {
    const now = ctx.clock.now();
    await ctx.db
      .updateTable("subscribers")
      .set({ status: "stopped", stopped_at: now, updated_at: now })
      .where("id", "=", subscriber.id)
      .where("status", "<>", "stopped")
      .execute();
  }
  return { ...subscriber, stopped: true };
}
