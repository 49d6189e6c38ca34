/**
 * A number's alert-call subscription (the `voice` channel): a subscriber row of its own, beside
 * the number's SMS row, sealed and blind-indexed under the SMS purpose (addresses.ts), so the
 * caller's SMS indexes find it. The caller's number is already locked (openInbound) by whoever
 * calls these, so no text or call from the same number changes it under us.
 *
 * The rules are those of a texted ZIP (subscribe-zips.ts): a new number is enrolled; a stopped one
 * opts in again with exactly this ZIP; an active one adds it, up to SMS_MAX_ZIPS_PER_SUBSCRIBER.
 */
import type { Language } from "../../i18n/languages.ts";
import { sealAddress } from "../../security/addresses.ts";
import { changeZips, loadZips, updateSubscriber } from "../subscriptions/sms-subscribers.ts";
import type { SubscriptionsContext } from "../subscriptions/types.ts";

export type VoiceCaller = { phone: string; lookup: Buffer[]; language: Language };
export type CallSubscribeResult = "subscribed" | "too_many_zips";

const CONSENT = { channel: "voice" as const };

async function lockVoiceSubscriber(ctx: SubscriptionsContext, lookup: Buffer[]) {
  return ctx.db
    .selectFrom("subscribers")
    .select(["id", "status", "language"])
    .where("channel", "=", "voice")
    .where("address_index", "in", lookup)
    .forUpdate()
    .executeTakeFirst();
}

export async function subscribeVoice(
  ctx: SubscriptionsContext,
  caller: VoiceCaller,
  zip: string,
  keyword: string,
): Promise<CallSubscribeResult> {
  const now = ctx.clock.now();
  const { language } = caller;
  const consent = { ...CONSENT, kind: "opt_in" as const, keyword };
  const subscriber = await lockVoiceSubscriber(ctx, caller.lookup);
  if (!subscriber) {
    // The number is locked (openInbound), so no concurrent request can enrol it first.
    const sealed = sealAddress(ctx.pii, "voice", caller.phone);
    const created = await ctx.db
      .insertInto("subscribers")
      .values({ channel: "voice", ...sealed, language, status: "active", updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await ctx.db
      .insertInto("consent_events")
      .values({ subscriber_id: created.id, ...consent, language, at: now })
      .execute();
    await changeZips(ctx.db, created.id, { add: [zip] });
    return "subscribed";
  }
  if (subscriber.status !== "active") {
    await updateSubscriber(ctx.db, subscriber.id, { status: "active", language, consent, now });
    await changeZips(ctx.db, subscriber.id, { add: [zip], keepOnly: [zip] });
    return "subscribed";
  }
  const { zips } = await loadZips(ctx.db, { subscriberId: subscriber.id, lookup: [] });
  if (!zips.includes(zip) && zips.length >= ctx.config.inboundSms.maxZipsPerSubscriber)
    return "too_many_zips";
  await updateSubscriber(ctx.db, subscriber.id, { language, consent, now });
  await changeZips(ctx.db, subscriber.id, { add: [zip] });
  return "subscribed";
}

/** Whether the number's alert calls cover this ZIP (to answer a step Twilio retries as the first time). */
export async function voiceFollows(
  ctx: SubscriptionsContext,
  lookup: Buffer[],
  zip: string,
): Promise<boolean> {
  const row = await ctx.db
    .selectFrom("subscribers as s")
    .innerJoin("subscriptions as z", "z.subscriber_id", "s.id")
    .select("s.id")
    .where("s.channel", "=", "voice")
    .where("s.address_index", "in", lookup)
    .where("z.zip", "=", zip)
    .executeTakeFirst();
  return row !== undefined;
}

/** Stops the number's alert calls if it has them; true when there was an active row to stop. */
export async function stopVoice(
  ctx: SubscriptionsContext,
  caller: VoiceCaller,
  keyword: string,
): Promise<boolean> {
  const subscriber = await lockVoiceSubscriber(ctx, caller.lookup);
  if (!subscriber || subscriber.status === "stopped") return false;
  await updateSubscriber(ctx.db, subscriber.id, {
    status: "stopped",
    language: caller.language,
    consent: { ...CONSENT, kind: "opt_out", keyword },
    now: ctx.clock.now(),
  });
  return true;
}
