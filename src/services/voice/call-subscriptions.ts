/**
 * What a phone call may change: the caller's SMS subscription, exactly as texting would, and the
 * number's alert-call (voice) subscription. Option 2 by text is texting that ZIP; option 2 by phone
 * call subscribes the number's voice row to the ZIP (voice-subscribers.ts, consent keyword
 * voice_subscribe, channel voice, no confirmation text: the line says it aloud); option 3 (stop all
 * alerts) is texting STOP and stops the voice row too. All go
 * through the SMS services (subscribeZips, stopSubscriber) under the same per-number lock, so the
 * subscriber row, its sealed number and blind index, its ZIPs and its consent event are the ones a
 * text would make; the consent event's keyword (voice_subscribe, voice_stop) says it was a call.
 *
 * Each action is claimed in inbound_messages like a text, under `<CallSid>-text-<ZIP>` or
 * `<CallSid>-stop` (never the number: only its blind index), so a webhook Twilio retries has one
 * effect, the reply counts against the same per-number and global reply limits, and the record is
 * erased with the inbound texts (INBOUND_MESSAGE_RETENTION_DAYS). The text a texter would have been
 * answered with is stored on that row and sent as a confirmation text by a job (payload: the claim,
 * never the number: the claim and the subscriber's id): a call has no SMS to answer. A STOP's confirmation follows STOP's own rule
 * (the number's first of the window), and a number we do not know has no stored address, so it
 * gets none.
 */
import type { Transaction } from "kysely";
import { fromKysely } from "pg-boss";
import type { Database } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { QUEUES } from "../../jobs/queues.ts";
import { addressIndexes } from "../../security/addresses.ts";
import { type OpenedInbound, openInbound } from "../subscriptions/inbound-messages.ts";
import { normalizeUsPhone } from "../subscriptions/phone-number.ts";
import { saveReply } from "../subscriptions/rate-limits.ts";
import { classifyZips } from "../subscriptions/service-area.ts";
import { lockSmsSubscriber } from "../subscriptions/sms-subscribers.ts";
import { stopSubscriber } from "../subscriptions/stop-subscriber.ts";
import { subscribeZips } from "../subscriptions/subscribe-zips.ts";
import type { SubscriptionsContext, Texter } from "../subscriptions/types.ts";
import { stopVoice, subscribeVoice, voiceFollows } from "./voice-subscribers.ts";

export type CallChange =
  | { kind: "no_number" }
  | { kind: "unknown_zip" }
  | { kind: "subscribed"; textQueued: boolean }
  | { kind: "too_many_zips" }
  | { kind: "stopped" };

type Caller = { callSid: string; from: string; language: Language };
/** The services' context inside the caller's transaction. */
type InCall = SubscriptionsContext & { db: Transaction<Database> };

export async function subscribeByCall({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: Caller & { zip: string };
}): Promise<CallChange> {
  const claim = `${input.callSid}-text-${input.zip}`;
  return onCallersNumber(
    ctx,
    input,
    { claim, command: "voice_subscribe", zip: input.zip },
    async (texter, opened, tx) => {
      if (!opened.claimed) {
        // Twilio asked again for a step already taken: answer as the first time, change nothing.
        if (opened.storedReply.length > 0) return { kind: "subscribed", textQueued: true };
        return opened.zips.includes(input.zip)
          ? { kind: "subscribed", textQueued: false }
          : { kind: "unknown_zip" };
      }
      if (classifyZips(ctx.config.serviceArea, [input.zip], opened.zipRows).known.length === 0)
        return { kind: "unknown_zip" };
      const outcome = await subscribeZips({
        ctx: tx,
        input: {
          texter,
          kind: "subscribe",
          zips: [input.zip],
          language: input.language,
          consentKeyword: "voice_subscribe",
        },
      });
      const textQueued = opened.replyAllowed && outcome.reply.length > 0;
      if (textQueued) await queueConfirmationText(tx, texter, claim, outcome.reply);
      return { kind: "subscribed", textQueued };
    },
  );
}

/** Option 2 by phone call: the ZIP's Alert-priority alerts as calls to this number. */
export async function subscribeCallsByCall({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: Caller & { zip: string };
}): Promise<CallChange> {
  const claim = `${input.callSid}-call-${input.zip}`;
  return onCallersNumber(
    ctx,
    input,
    { claim, command: "voice_subscribe", zip: input.zip },
    async (texter, opened, tx) => {
      if (classifyZips(ctx.config.serviceArea, [input.zip], opened.zipRows).known.length === 0)
        return { kind: "unknown_zip" };
      // Twilio asked again for a step already taken: answer as the first time, change nothing.
      if (!opened.claimed)
        return (await voiceFollows(tx, texter.lookup, input.zip))
          ? { kind: "subscribed", textQueued: false }
          : { kind: "too_many_zips" };
      const caller = { phone: texter.phone, lookup: texter.lookup, language: input.language };
      const done = await subscribeVoice(tx, caller, input.zip, "voice_subscribe");
      return done === "too_many_zips" ? { kind: "too_many_zips" } : { kind: "subscribed", textQueued: false };
    },
  );
}

export async function stopByCall({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: Caller;
}): Promise<CallChange> {
  const claim = `${input.callSid}-stop`;
  return onCallersNumber(
    ctx,
    input,
    { claim, command: "voice_stop", stop: true },
    async (texter, opened, tx) => {
      if (!opened.claimed) return { kind: "stopped" };
      // "All alerts to this phone": its alert calls too (no text about those: the line says it).
      await stopVoice(
        tx,
        { phone: texter.phone, lookup: texter.lookup, language: input.language },
        "voice_stop",
      );
      const outcome = await stopSubscriber({
        ctx: tx,
        input: { texter, language: input.language, consentKeyword: "voice_stop" },
      });
      // Only a number we know has an address to text the confirmation to.
      if (texter.subscriber && outcome.reply.length > 0 && opened.firstStop) {
        await queueConfirmationText(tx, texter, claim, outcome.reply);
      }
      return { kind: "stopped" };
    },
  );
}

async function onCallersNumber(
  ctx: SubscriptionsContext,
  input: Caller,
  action: { claim: string; command: string; zip?: string; stop?: boolean },
  apply: (texter: Texter, opened: OpenedInbound, tx: InCall) => Promise<CallChange>,
): Promise<CallChange> {
  const phone = normalizeUsPhone(input.from);
  if (!phone) return { kind: "no_number" };
  const indexes = addressIndexes(ctx.pii, "sms", phone);
  const index = indexes[0]!;
  return withTransaction(ctx.db, async (db) => {
    const opened = await openInbound(db, ctx.config.inboundSms, {
      messageSid: action.claim,
      // Claimed on the number's SMS index (a voice row shares it); the line offers texts and calls, not WhatsApp.
      channel: "sms",
      senderIndex: index,
      senderIndexes: indexes,
      command: action.command,
      language: input.language,
      optIn: !action.stop,
      stop: action.stop ?? false,
      zipLookup: action.zip ? [action.zip] : [],
      now: ctx.clock.now(),
    });
    const texter: Texter = {
      channel: "sms",
      phone,
      index,
      lookup: indexes,
      subscriber: opened.subscriber,
      zips: opened.zips,
      zipRows: opened.zipRows,
      lastLanguage: opened.lastLanguage,
    };
    return apply(texter, opened, { ...ctx, db });
  });
}

async function queueConfirmationText(
  tx: InCall,
  texter: Texter,
  claim: string,
  reply: string[],
): Promise<void> {
  // The subscriber as it is now (a first ZIP has just enrolled it), found by the number's indexes.
  const subscriber = await lockSmsSubscriber(tx.db, texter.channel, texter.lookup);
  if (!subscriber) return;
  await saveReply(tx.db, claim, reply);
  await tx.boss.send(
    QUEUES.callConfirmationText,
    { claim, subscriberId: subscriber.id },
    { db: fromKysely(tx.db) },
  );
}
