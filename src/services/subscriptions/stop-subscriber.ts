/**
 * stopSubscriber: the STOP family (STOP, ALTO, 退订, DỪNG, "please stop texting me"…). The
 * subscriber is stopped from everything at once and gets one final confirmation; from then on
 * nothing is sent to them (fan-out skips them, and the SMS service answers only an opt-in) until
 * they opt in again. Their ZIPs are kept so that START can resume them.
 *
 * A number we do not know still gets the confirmation (carriers expect one) and nothing is stored.
 * A number already stopped gets nothing: the confirmation is sent once. Either way the confirmation
 * goes only if it is the number's first of the rate-limit window (receive-sms.ts decides).
 */
import type { Language } from "../../i18n/languages.ts";
import { stoppedReply } from "../../sms/replies.ts";
import { updateSubscriber } from "./sms-subscribers.ts";
import { type SmsOutcome, type SubscriptionsContext, silence, type Texter } from "./types.ts";

export async function stopSubscriber({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  /** consentKeyword: the opt-out event's keyword when not STOP's own (a phone call's "voice_stop"). */
  input: { texter: Texter; language: Language; consentKeyword?: string };
}): Promise<SmsOutcome> {
  const { subscriber } = input.texter;
  const { language } = input;
  const outcome: SmsOutcome = {
    reply: [stoppedReply(language, { program: ctx.config.program.name })],
    optOutConfirmation: true,
  };
  if (!subscriber) return outcome;
  if (subscriber.status === "stopped") return silence;
  const now = ctx.clock.now();
  // The same statement stores the confirmation (Texter.replyStore).
  const store = input.texter.replyStore?.(outcome);
  await updateSubscriber(ctx.db, subscriber.id, {
    status: "stopped",
    language,
    consent: { kind: "opt_out", channel: input.texter.channel, keyword: input.consentKeyword ?? "stop_all" },
    now,
    reply: store,
  });
  return { ...outcome, replyStored: store !== undefined };
}
