/**
 * receiveSms: one texted message, as Twilio's webhook delivers it, applied once and answered. A
 * WhatsApp message (From "whatsapp:+1…") takes the same path for the number's WhatsApp subscriber,
 * a row apart from its SMS one, and notes the 24-hour window (src/whatsapp/).
 *
 *   1. The sender's number must be a US (or territory) number; otherwise a refusal, once per
 *      number per window and on a budget of its own (rate-limits.ts), and nothing about them is
 *      stored but that count.
 *   2. In one transaction: one statement claims the MessageSid (a retry gets the stored reply and
 *      changes nothing), locks the sender's number, reads their subscription and counts the reply
 *      against the rate limits (inbound-messages.ts); then the command is applied (the keyword
 *      table, keywords.ts) and the reply given is stored.
 *   3. A stopped number is answered only when it opts in again (START, a ZIP); anything else it
 *      sends is applied where that makes sense (a language, a ZIP removed) but not answered.
 *   4. The reply goes if the rate limits allow it; a STOP's confirmation goes if it is the number's
 *      first of the window, whatever the limits, and never for a repeated STOP in the window.
 *
 * Reply language: the language the message itself asks for (ES, 中文…), else the one its words
 * suggest (ALTO, AYUDA, HOLA, Chinese script…), which also becomes the subscriber's language, else
 * the subscriber's, else the one the number's earlier texts last showed, else English. That last
 * one is for a number that has not subscribed yet, which has no subscriber row to keep a language
 * on: "hola" and then "94607" subscribes in Spanish. It is kept with the inbound records
 * (inbound_messages.language), so it lasts as long as they do (INBOUND_MESSAGE_RETENTION_DAYS).
 */
import { withTransaction } from "../../db/transaction.ts";
import { DEFAULT_LANGUAGE, type Language } from "../../i18n/languages.ts";
import { addressIndex, addressIndexes } from "../../security/addresses.ts";
import { type InboundCommand, parseInbound } from "../../sms/keywords.ts";
import {
  emailConfirmationSentReply,
  helpReply,
  invalidEmailReply,
  listReply,
  nothingToStartReply,
  unknownCommandReply,
  usNumbersOnlyReply,
} from "../../sms/replies.ts";
import { inboundChannel, whatsappAccepted } from "../../whatsapp/address.ts";
import { noteWhatsAppInbound } from "../../whatsapp/window.ts";
import { receiveResponderText } from "../responders/receive-responder-text.ts";
import { changeLanguage } from "./change-language.ts";
import { openInbound } from "./inbound-messages.ts";
import { canonicalSender, normalizeUsPhone } from "./phone-number.ts";
import { saveReply, takeRefusalSlot } from "./rate-limits.ts";
import { removeZips } from "./remove-zips.ts";
import { resumeSubscriber } from "./resume-subscriber.ts";
import { exampleZip } from "./service-area.ts";
import { updateSubscriber } from "./sms-subscribers.ts";
import { startEmailOptIn } from "./start-email-opt-in.ts";
import { stopSubscriber } from "./stop-subscriber.ts";
import { subscribeZips } from "./subscribe-zips.ts";
import { type SmsOutcome, type SubscriptionsContext, silence, type Texter } from "./types.ts";

export type InboundSms = { messageSid: string; from: string; body: string };
export type ReceivedSms = { reply: string[]; command: InboundCommand["kind"]; duplicate: boolean };

/** Commands a stopped number is answered for: they opt it in again. */
const OPT_IN_COMMANDS = new Set<InboundCommand["kind"]>(["subscribe", "add_zip", "start"]);

export async function receiveSms({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: InboundSms;
}): Promise<ReceivedSms> {
  const command = parseInbound(input.body);
  const now = ctx.clock.now();
  // "whatsapp:+1…" is the same number on WhatsApp: a subscription of its own (src/whatsapp/).
  const sender = inboundChannel(input.from);
  const channel = sender.channel === "whatsapp" && !whatsappAccepted(ctx.config) ? undefined : sender.channel;
  const phone = channel ? normalizeUsPhone(sender.address) : undefined;
  if (!channel || !phone) {
    const reply = [
      usNumbersOnlyReply(command.languageHint ?? DEFAULT_LANGUAGE, { program: ctx.config.program.name }),
    ];
    const numberKey = addressIndex(ctx.pii, "sms", canonicalSender(input.from));
    const allowed = await takeRefusalSlot(ctx.db, ctx.config.inboundSms, { numberKey, now });
    return { reply: allowed ? reply : [], command: command.kind, duplicate: false };
  }
  const indexes = addressIndexes(ctx.pii, channel, phone);
  const index = indexes[0]!;
  const zipLookup = command.kind === "subscribe" || command.kind === "add_zip" ? command.zips : [];
  const shown = command.kind === "language" ? command.language : command.languageHint;

  return withTransaction(ctx.db, async (tx) => {
    const opened = await openInbound(tx, ctx.config.inboundSms, {
      messageSid: input.messageSid,
      channel,
      senderIndex: index,
      senderIndexes: indexes,
      command: command.kind,
      language: shown,
      optIn: OPT_IN_COMMANDS.has(command.kind),
      stop: command.kind === "stop_all",
      zipLookup,
      now,
    });
    if (!opened.claimed) {
      return { reply: opened.storedReply, command: command.kind, duplicate: true };
    }
    const { subscriber } = opened;
    // A roster number's duty and case texts (by SMS) go to the responders module first (issue 16).
    const duty =
      channel === "sms"
        ? await receiveResponderText(
            { ...ctx, db: tx },
            { indexes, body: input.body, command, onRoster: opened.onRoster },
          )
        : undefined;
    const given = (outcome: SmsOutcome) =>
      (outcome.optOutConfirmation ? opened.firstStop : opened.replyAllowed) ? outcome.reply : [];
    const texter: Texter = {
      channel,
      phone,
      index,
      lookup: indexes,
      subscriber,
      zips: opened.zips,
      zipRows: opened.zipRows,
      lastLanguage: opened.lastLanguage,
      // The command's last write stores the reply given, unless a responder's reply comes before it.
      replyStore: duty
        ? undefined
        : (outcome) => {
            const reply = given(outcome);
            return reply.length > 0 ? { messageSid: input.messageSid, reply } : undefined;
          },
    };
    const outcome: SmsOutcome =
      duty && !(duty.residentToo && subscriber)
        ? { reply: duty.reply }
        : withResponderReply(duty, await apply({ ...ctx, db: tx }, texter, command));
    if (channel === "whatsapp") await noteWhatsAppInbound(tx, indexes, now);
    const reply = given(outcome);
    if (reply.length > 0 && !outcome.replyStored) await saveReply(tx, input.messageSid, reply);
    return { reply, command: command.kind, duplicate: false };
  });
}

async function apply(
  ctx: SubscriptionsContext,
  texter: Texter,
  command: InboundCommand,
): Promise<SmsOutcome> {
  const { subscriber } = texter;
  const language: Language =
    command.kind === "language"
      ? command.language
      : (command.languageHint ?? subscriber?.language ?? texter.lastLanguage ?? DEFAULT_LANGUAGE);

  if (subscriber?.status === "stopped" && !OPT_IN_COMMANDS.has(command.kind)) {
    // Opted out: nothing is sent until they opt in again. Keep what they asked for, say nothing.
    if (command.kind === "remove_zip")
      await removeZips({ ctx, input: { texter, zips: command.zips, language } });
    else if (command.kind === "language" || command.languageHint) {
      await updateSubscriber(ctx.db, subscriber.id, { language, now: ctx.clock.now() });
    }
    return silence;
  }

  const { config, db } = ctx;
  const program = config.program.name;
  switch (command.kind) {
    case "subscribe":
    case "add_zip":
      return subscribeZips({
        ctx,
        input: { texter, kind: command.kind, zips: command.zips, ignoredZips: command.ignoredZips, language },
      });
    case "remove_zip":
      return removeZips({ ctx, input: { texter, zips: command.zips, language } });
    case "stop_all":
      return stopSubscriber({ ctx, input: { texter, language } });
    case "start":
      return resumeSubscriber({ ctx, input: { texter, language } });
    case "language":
      return changeLanguage({ ctx, input: { texter, language } });
    case "email":
      return optInByText(ctx, texter, command.email, language);
    case "help":
      return keepLanguage(ctx, texter, language, {
        reply: [
          helpReply(language, {
            program,
            hotline: config.program.hotline,
            frequency: config.program.messageFrequency[language],
          }),
        ],
      });
    case "list": {
      if (!subscriber)
        return { reply: [nothingToStartReply(language, { program, example: await exampleZip(db, config) })] };
      return keepLanguage(ctx, texter, language, {
        reply: [listReply(language, { program, zips: texter.zips, status: subscriber.status })],
      });
    }
    case "invalid_email":
      return keepLanguage(ctx, texter, language, { reply: [invalidEmailReply(language, { program })] });
    case "unknown":
      return keepLanguage(ctx, texter, language, {
        reply: [
          unknownCommandReply(language, {
            program,
            example: await exampleZip(db, config),
            hotline: config.program.hotline,
          }),
        ],
      });
  }
}

/** A texted address: email double opt-in with the ZIPs the texter follows (start-email-opt-in.ts). */
async function optInByText(
  ctx: SubscriptionsContext,
  texter: Texter,
  email: string,
  language: Language,
): Promise<SmsOutcome> {
  const started = await startEmailOptIn({ ctx, input: { via: "text", email, zips: texter.zips, language } });
  if (started.ok) {
    return keepLanguage(ctx, texter, language, {
      reply: [emailConfirmationSentReply(language, { program: ctx.config.program.name })],
    });
  }
  if ("invalidEmail" in started)
    return { reply: [invalidEmailReply(language, { program: ctx.config.program.name })] };
  const example = await exampleZip(ctx.db, ctx.config);
  return { reply: [nothingToStartReply(language, { program: ctx.config.program.name, example })] };
}

/**
 * A message written in another language (AYUDA, 帮助…) moves the subscriber to it; that write also
 * stores the outcome's reply (Texter.replyStore).
 */
async function keepLanguage(
  ctx: SubscriptionsContext,
  texter: Texter,
  language: Language,
  outcome: SmsOutcome,
): Promise<SmsOutcome> {
  const { subscriber } = texter;
  if (!subscriber || subscriber.language === language) return outcome;
  const store = texter.replyStore?.(outcome);
  await updateSubscriber(ctx.db, subscriber.id, { language, now: ctx.clock.now(), reply: store });
  return { ...outcome, replyStored: store !== undefined };
}

/** A responder who also follows ZIPs: their duty state first, then the resident's answer. */
function withResponderReply(duty: { reply: string[] } | undefined, outcome: SmsOutcome): SmsOutcome {
  return duty ? { ...outcome, reply: [...duty.reply, ...outcome.reply] } : outcome;
}
