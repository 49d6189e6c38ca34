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
import { exampleZip, resolveZips } from "./service-area.ts";
import {
  addZips,
  createSmsSubscriber,
  recordConsent,
  removeZips,
  updateSubscriber,
  zipsOf,
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
  };
}): Promise<SmsOutcome> {
  const { texter, language } = input;
  const { config, db } = ctx;
  const now = ctx.clock.now();
  const { known, unknown } = await resolveZips(db, config.serviceArea, input.zips);
  const explainUnknown = async () =>
    unknownZipReply(language, { zips: unknown, example: await exampleZip(db, config) });
  if (known.length === 0) return { reply: [await explainUnknown()] };

  let subscriber = texter.subscriber;
  const optingIn = subscriber?.status !== "active";
  if (!subscriber) {
    subscriber = await createSmsSubscriber(db, ctx.pii, {
      phone: texter.phone,
      index: texter.index,
      language,
      now,
    });
  } else if (subscriber.status !== "active") {
    await removeZips(db, subscriber.id);
    await updateSubscriber(db, subscriber.id, { status: "active", language, now });
  } else if (subscriber.language !== language) {
    await updateSubscriber(db, subscriber.id, { language, now });
  }
  if (optingIn) {
    await recordConsent(db, {
      subscriberId: subscriber.id,
      kind: "opt_in",
      channel: "sms",
      keyword: input.kind,
      language,
      now,
    });
  }

  const current = optingIn ? [] : await zipsOf(db, subscriber.id);
  const max = config.inboundSms.maxZipsPerSubscriber;
  const fresh = known.filter((zip) => !current.includes(zip));
  const room = Math.max(0, max - current.length);
  const added = fresh.slice(0, room);
  const overflow = [...fresh.slice(room), ...(input.ignoredZips ?? [])];
  await addZips(db, subscriber.id, added);
  const all = [...current, ...added].sort();

  const reply: string[] = [];
  if (optingIn || input.kind === "subscribe") {
    reply.push(
      subscribedReply(language, {
        program: config.program.name,
        zips: all,
        frequency: config.program.messageFrequency[language],
      }),
    );
  } else if (added.length > 0 || overflow.length === 0) {
    reply.push(addedZipReply(language, { zips: added.length > 0 ? added : known, all }));
  }
  if (unknown.length > 0) reply.push(await explainUnknown());
  if (overflow.length > 0) reply.push(tooManyZipsReply(language, { max, ignored: overflow }));
  return { reply };
}
