/**
 * A staff browser that turned paging on: its PushSubscription (from the staff service worker,
 * web/console-sw.js, scope /console/) stored sealed per user. The endpoint must be on a known push
 * service (PUSH_ENDPOINT_HOSTS), as for residents, because the paging job POSTs to it. A browser
 * belongs to whoever last turned paging on in it: signing in as someone else and turning it on
 * moves it, so one browser is never paged for two people.
 */
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { invalid } from "../../errors.ts";
import { allowedPushEndpoint } from "../../security/push-endpoints.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { type PushSubscriptionInput, pushAddress } from "../subscriptions/web-push.ts";
import { pagerIndexes, sealPager } from "./pager-addresses.ts";

type Ctx = Pick<AppContext, "db" | "pii" | "clock" | "config">;

export async function addPagerPush({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { userId: string; subscription: PushSubscriptionInput };
}): Promise<void> {
  const endpoint = allowedPushEndpoint(input.subscription.endpoint, ctx.config.delivery.pushEndpointHosts);
  if (!endpoint) {
    throw invalid(
      "subscription.endpoint",
      "is not on a known push service (Chrome, Firefox, Safari or Edge's)",
    );
  }
  const address = pushAddress({ ...input.subscription, endpoint: endpoint.href });
  const sealed = sealPager(ctx.pii, "push", address);
  const now = ctx.clock.now();
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .deleteFrom("pager_push_subscriptions")
      .where("address_index", "in", pagerIndexes(ctx.pii, "push", address))
      .execute();
    await tx
      .insertInto("pager_push_subscriptions")
      .values({
        user_id: input.userId,
        address_ciphertext: sealed.ciphertext,
        address_key_id: sealed.keyId,
        address_index: sealed.index,
        created_at: now,
      })
      .execute();
    await recordAudit(tx, {
      actor: `user:${input.userId}`,
      action: "pager.push_added",
      target: { type: "user", id: input.userId },
      at: now,
    });
  });
}

/** This browser (it sends its own subscription), or every browser of the user when none is given. */
export async function removePagerPush({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { userId: string; subscription?: PushSubscriptionInput };
}): Promise<number> {
  return withTransaction(ctx.db, async (tx) => {
    let query = tx.deleteFrom("pager_push_subscriptions").where("user_id", "=", input.userId);
    if (input.subscription) {
      const url = allowedPushEndpoint(input.subscription.endpoint, ctx.config.delivery.pushEndpointHosts);
      const address = pushAddress({
        ...input.subscription,
        endpoint: url?.href ?? input.subscription.endpoint,
      });
      query = query.where("address_index", "in", pagerIndexes(ctx.pii, "push", address));
    }
    const removed = Number((await query.executeTakeFirst()).numDeletedRows);
    if (removed > 0) {
      await recordAudit(tx, {
        actor: `user:${input.userId}`,
        action: "pager.push_removed",
        target: { type: "user", id: input.userId },
        details: { browsers: removed },
        at: ctx.clock.now(),
      });
    }
    return removed;
  });
}

export async function countPagerPush(db: Ctx["db"], userId: string): Promise<number> {
  const row = await db
    .selectFrom("pager_push_subscriptions")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
