/**
 * removeZips: "STOP 94601", "REMOVE 94601", "QUITAR 94601": leave only those ZIPs. The subscriber
 * stays subscribed (possibly to no ZIP); STOP alone is the way to leave everything.
 */
import type { Language } from "../../i18n/languages.ts";
import { notSubscribedToZipReply, removedZipReply } from "../../sms/replies.ts";
import { deleteSubscriptions, updateSubscriber } from "./sms-subscribers.ts";
import type { SmsOutcome, SubscriptionsContext, Texter } from "./types.ts";

export async function removeZips({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: { texter: Texter; zips: string[]; language: Language };
}): Promise<SmsOutcome> {
  const { subscriber, zips: current } = input.texter;
  const { language } = input;
  const program = ctx.config.program.name;
  if (!subscriber)
    return { reply: [notSubscribedToZipReply(language, { program, zips: input.zips, current: [] })] };
  const removed = input.zips.filter((zip) => current.includes(zip)).sort();
  if (removed.length === 0)
    return { reply: [notSubscribedToZipReply(language, { program, zips: input.zips, current })] };
  const remaining = current.filter((zip) => !removed.includes(zip));
  const reply = [removedZipReply(language, { program, zips: removed, remaining })];
  // The last write stores the reply (Texter.replyStore).
  const store = input.texter.replyStore?.({ reply });
  const changesLanguage = subscriber.language !== language;
  await deleteSubscriptions(ctx.db, subscriber.id, removed, changesLanguage ? undefined : store);
  if (changesLanguage) {
    await updateSubscriber(ctx.db, subscriber.id, { language, now: ctx.clock.now(), reply: store });
  }
  return { reply, replyStored: store !== undefined };
}
