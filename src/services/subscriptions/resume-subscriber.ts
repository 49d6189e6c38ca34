/**
 * resumeSubscriber: START, UNSTOP, YES, INICIO. A stopped subscriber is resumed with the ZIPs they
 * had; someone with no ZIPs (or no subscription) is told to text one.
 */
import type { Language } from "../../i18n/languages.ts";
import { nothingToStartReply, startedReply } from "../../sms/replies.ts";
import { exampleZip } from "./service-area.ts";
import { updateSubscriber } from "./sms-subscribers.ts";
import type { SmsOutcome, SubscriptionsContext, Texter } from "./types.ts";

export async function resumeSubscriber({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: { texter: Texter; language: Language };
}): Promise<SmsOutcome> {
  const { subscriber, zips } = input.texter;
  const { language } = input;
  const { config, db } = ctx;
  if (!subscriber || zips.length === 0) {
    return {
      reply: [
        nothingToStartReply(language, {
          program: config.program.name,
          example: await exampleZip(db, config),
        }),
      ],
    };
  }
  const now = ctx.clock.now();
  const reply = [
    startedReply(language, {
      program: config.program.name,
      zips,
      frequency: config.program.messageFrequency[language],
    }),
  ];
  // The write stores the reply in the same statement (Texter.replyStore).
  const store = input.texter.replyStore?.({ reply });
  if (subscriber.status !== "active") {
    await updateSubscriber(db, subscriber.id, {
      status: "active",
      language,
      consent: { kind: "opt_in", channel: input.texter.channel, keyword: "start" },
      now,
      reply: store,
    });
  } else if (subscriber.language !== language) {
    await updateSubscriber(db, subscriber.id, { language, now, reply: store });
  } else {
    return { reply };
  }
  return { reply, replyStored: store !== undefined };
}
