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
  let subscriber = texter.subscriber;
  let current = texter.zips;
  let added: string[];
  let optedIn = true;
  if (!subscriber) {
    added = known.slice(0, max);
    subscriber = await enrolSmsSubscriber(db, ctx.pii, {
      channel: texter.channel,
      phone: texter.phone,
      language,
      zips: added,
      consent,
      now,
    });
    if (!subscriber) {
      // A concurrent message from the same number enrolled it first: carry on as an update.
      subscriber = (await lockSmsSubscriber(db, texter.channel, texter.lookup))!;
      current = (await loadZips(db, { subscriberId: subscriber.id, lookup: [] })).zips;
      return subscribeZips({ ctx, input: { ...input, texter: { ...texter, subscriber, zips: current } } });
    }
    current = [];
  } else if (subscriber.status !== "active") {
    added = known.slice(0, max);
    current = [];
    await updateSubscriber(db, subscriber.id, { status: "active", language, consent, now });
    await changeZips(db, subscriber.id, { add: added, keepOnly: added });
  } else {
    optedIn = false;
    const fresh = known.filter((zip) => !current.includes(zip));
    added = fresh.slice(0, Math.max(0, max - current.length));
    if (subscriber.language !== language) await updateSubscriber(db, subscriber.id, { language, now });
    await changeZips(db, subscriber.id, { add: added });
  }
  const overflow = [
    ...known.filter((zip) => !current.includes(zip) && !added.includes(zip)),
    ...(input.ignoredZips ?? []),
  ];
  const all = [...current, ...added].sort();

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
  if (!texter.subscriber && texter.channel === "whatsapp") reply.push(whatsappPrivacyNotice(language));
  if (unknown.length > 0) reply.push(await explainUnknown());
  if (overflow.length > 0) reply.push(tooManyZipsReply(language, { program, max, ignored: overflow }));
  return { reply };
}
