/**
 * subscribeZips: a texted ZIP list ("94607 94601", "ADD 94606"). Only ZIPs that exist and are in
 * the service area are subscribed; when none is, nothing at all is stored and the reply explains.
 *
 * - a new number becomes an active subscriber (an opt-in);
 * - a stopped one opts in again with exactly the ZIPs just texted (their old ones are dropped:
 *   after STOP, a new ZIP says what they want now; START is the way back to the old ones);
 * - an active one adds the ZIPs to those they follow, up to SMS_MAX_ZIPS_PER_SUBSCRIBER.
 *
 * The reply names every ZIP they now follow; ZIPs not taken (unknown, outside the area, over the
 * limit) are explained in a second message.
 */
import type { Language } from "../../i18n/languages.ts";
import { addedZipReply, subscribedReply, tooManyZipsReply, unknownZipReply } from "../../sms/replies.ts";
import { whatsappPrivacyNotice } from "../../whatsapp/replies.ts";
import { classifyZips, exampleZip } from "./service-area.ts";
import {
  changeZips,
  enrolSmsSubscriber,
  loadZips,
  lockSmsSubscriber,
  updateSubscriber,
} from "./sms-subscribers.ts";
import type { SmsOutcome, SubscriptionsContext, Texter } from "./types.ts";

export async function subscribeZips({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: {
    texter: Texter;
    kind: "subscribe" | "add_zip";
    zips: string[];
    ignoredZips?: string[];
    language: Language;
    /** The consent event's keyword when not the command's own (a phone call's "voice_subscribe"). */
    consentKeyword?: string;
  };
}): Promise<SmsOutcome> {
  const { texter, language } = input;
  const { config, db } = ctx;
  const now = ctx.clock.now();
  const program = config.program.name;
  const { known, unknown } = classifyZips(config.serviceArea, input.zips, texter.zipRows);
  const explainUnknown = async () =>
    unknownZipReply(language, { program, zips: unknown, example: await exampleZip(db, config) });
  if (known.length === 0) return { reply: [await explainUnknown()] };

  const max = config.inboundSms.maxZipsPerSubscriber;
  const consent = {
    kind: "opt_in" as const,
    channel: texter.channel,
    keyword: input.consentKeyword ?? input.kind,
  };
  const { subscriber } = texter;
  // A new or stopped number opts in with the ZIPs just texted; an active one adds them to its own.
  const optedIn = subscriber?.status !== "active";
  const current = optedIn ? [] : texter.zips;
  const added = known.filter((zip) => !current.includes(zip)).slice(0, Math.max(0, max - current.length));
  const overflow = [
    ...known.filter((zip) => !current.includes(zip) && !added.includes(zip)),
    ...(input.ignoredZips ?? []),
  ];
  const all = [...current, ...added].sort();

  // The reply first, so that the last write can store it in the same statement (Texter.replyStore).
  const reply: string[] = [];
  if (optedIn || input.kind === "subscribe") {
    reply.push(
      subscribedReply(language, {
        program,
        zips: all,
        frequency: config.program.messageFrequency[language],
      }),
    );
  } else if (added.length > 0 || overflow.length === 0) {
    reply.push(addedZipReply(language, { program, zips: added.length > 0 ? added : known, all }));
  }
  // Said once, when a number first signs up on WhatsApp (docs/privacy.md, "WhatsApp").
  if (!subscriber && texter.channel === "whatsapp") reply.push(whatsappPrivacyNotice(language));
  if (unknown.length > 0) reply.push(await explainUnknown());
  if (overflow.length > 0) reply.push(tooManyZipsReply(language, { program, max, ignored: overflow }));
  const store = texter.replyStore?.({ reply });

  if (!subscriber) {
    const created = await enrolSmsSubscriber(db, ctx.pii, {
      channel: texter.channel,
      phone: texter.phone,
      language,
      zips: added,
      consent,
      now,
      reply: store,
    });
    if (!created) {
      // A concurrent message from the same number enrolled it first: carry on as an update.
      const enrolled = (await lockSmsSubscriber(db, texter.channel, texter.lookup))!;
      const { zips } = await loadZips(db, { subscriberId: enrolled.id, lookup: [] });
      return subscribeZips({ ctx, input: { ...input, texter: { ...texter, subscriber: enrolled, zips } } });
    }
    return { reply, replyStored: store !== undefined };
  }
  if (optedIn) {
    await updateSubscriber(db, subscriber.id, { status: "active", language, consent, now });
    await changeZips(db, subscriber.id, { add: added, keepOnly: added, reply: store });
    return { reply, replyStored: store !== undefined };
  }
  const changesZips = added.length > 0;
  const changesLanguage = subscriber.language !== language;
  if (changesLanguage)
    await updateSubscriber(db, subscriber.id, { language, now, reply: changesZips ? undefined : store });
  if (changesZips) await changeZips(db, subscriber.id, { add: added, reply: store });
  return { reply, replyStored: store !== undefined && (changesZips || changesLanguage) };
}
