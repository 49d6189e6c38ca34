/**
 * Web push sign-up from the subscribe page. The browser's PushSubscription (endpoint and keys) is
 * the address: sealed and blind-indexed like a phone number or an email. Granting the browser's
 * permission is the opt-in, and a subscription cannot be guessed or made for someone else's
 * browser, so it is active at once. Signing up again from the same browser replaces its ZIPs and
 * language; `unsubscribePush` stops it (the browser proves it is the one by sending the same
 * subscription).
 *
 * The endpoint must be on a known push service (PUSH_ENDPOINT_HOSTS, see
 * src/security/push-endpoints.ts): the delivery worker POSTs to it, so any other URL would let a
 * stranger aim our server at hosts of their choosing. It is stored as the URL parser writes it
 * (`href`), the one URL the sender will request. Stopping is allowed whatever the endpoint, so a
 * browser whose service was taken off the list can still leave.
 */
import type { Channel, ConsentKind } from "../../db/database.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { invalid } from "../../errors.ts";
import type { Language } from "../../i18n/languages.ts";
import { addressIndexes, sealAddress } from "../../security/addresses.ts";
import { allowedPushEndpoint } from "../../security/push-endpoints.ts";
import { resolveZips } from "./service-area.ts";
import type { SubscriptionsContext } from "./types.ts";

export type PushSubscriptionInput = { endpoint: string; keys: { p256dh: string; auth: string } };

/** The stored form: exactly what the push sender parses (src/delivery/webpush-sender.ts). */
export function pushAddress(subscription: PushSubscriptionInput): string {
  return JSON.stringify({
    endpoint: subscription.endpoint,
    keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
  });
}

export async function subscribePush({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: { subscription: PushSubscriptionInput; zips: string[]; language: Language };
}): Promise<{ ok: true; zips: string[] } | { ok: false; outside: string[] }> {
  const endpoint = allowedPushEndpoint(input.subscription.endpoint, ctx.config.delivery.pushEndpointHosts);
  if (!endpoint) {
    throw invalid(
      "subscription.endpoint",
      "is not on a known push service (Chrome, Firefox, Safari or Edge's)",
    );
  }
  const { known, unknown } = await resolveZips(ctx.db, ctx.config.serviceArea, input.zips);
  if (unknown.length > 0 || known.length === 0) return { ok: false, outside: unknown };
  const address = pushAddress({ ...input.subscription, endpoint: endpoint.href });
  const lookup = addressIndexes(ctx.pii, "push", address);
  const consent = { kind: "opt_in" as const, channel: "push" as const, keyword: "web_push" };
  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const existing = await tx
      .selectFrom("subscribers")
      .select(["id", "status"])
      .where("channel", "=", "push")
      .where("address_index", "in", lookup)
      .forUpdate()
      .executeTakeFirst();
    if (existing) {
      await tx
        .updateTable("subscribers")
        .set({ status: "active", language: input.language, updated_at: now, stopped_at: null })
        .where("id", "=", existing.id)
        .execute();
      if (existing.status !== "active") await recordConsent(tx, existing.id, consent, input.language, now);
      await replaceZips(tx, existing.id, known);
      return;
    }
    const created = await tx
      .insertInto("subscribers")
      .values({
        channel: "push",
        ...sealAddress(ctx.pii, "push", address),
        language: input.language,
        status: "active",
        updated_at: now,
        stopped_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordConsent(tx, created.id, consent, input.language, now);
    await replaceZips(tx, created.id, known);
  });
  return { ok: true, zips: [...known].sort() };
}

/** Stops the browser's subscription; true when there was an active one. */
export async function unsubscribePush({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: { subscription: PushSubscriptionInput };
}): Promise<boolean> {
  const lookup = addressIndexes(ctx.pii, "push", pushAddress(input.subscription));
  // Stored as its canonical href since sign-up checks it; the browser may send it as it wrote it.
  const href = canonicalHref(input.subscription.endpoint);
  if (href && href !== input.subscription.endpoint)
    lookup.push(...addressIndexes(ctx.pii, "push", pushAddress({ ...input.subscription, endpoint: href })));
  return withTransaction(ctx.db, async (tx) => {
    const existing = await tx
      .selectFrom("subscribers")
      .select(["id", "status", "language"])
      .where("channel", "=", "push")
      .where("address_index", "in", lookup)
      .forUpdate()
      .executeTakeFirst();
    if (!existing || existing.status === "stopped") return false;
    const now = ctx.clock.now();
    await tx
      .updateTable("subscribers")
      .set({ status: "stopped", updated_at: now, stopped_at: now })
      .where("id", "=", existing.id)
      .execute();
    const optOut = { kind: "opt_out" as const, channel: "push" as const, keyword: "web_push_off" };
    await recordConsent(tx, existing.id, optOut, existing.language, now);
    return true;
  });
}

function canonicalHref(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).href;
  } catch {
    return undefined;
  }
}

async function replaceZips(db: DbOrTx, subscriberId: string, zips: string[]): Promise<void> {
  await db.deleteFrom("subscriptions").where("subscriber_id", "=", subscriberId).execute();
  await db
    .insertInto("subscriptions")
    .values(zips.map((zip) => ({ subscriber_id: subscriberId, zip })))
    .execute();
}

async function recordConsent(
  db: DbOrTx,
  subscriberId: string,
  consent: { kind: ConsentKind; channel: Channel; keyword: string },
  language: Language,
  at: Date,
): Promise<void> {
  await db
    .insertInto("consent_events")
    .values({ subscriber_id: subscriberId, ...consent, language, at })
    .execute();
}
