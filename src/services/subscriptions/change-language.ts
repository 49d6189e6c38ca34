/**
 * changeLanguage: EN, ES / ESPAÑOL, 中文 / ZH, VI / TIẾNG VIỆT. Replies and alerts come in the new
 * language from now on; the confirmation is in it too. From a number that has not subscribed, the
 * choice carries to the subscription its next ZIP makes (receive-sms.ts).
 */
import type { Language } from "../../i18n/languages.ts";
import { languageChangedReply, nothingToStartReply } from "../../sms/replies.ts";
import { exampleZip } from "./service-area.ts";
import { updateSubscriber } from "./sms-subscribers.ts";
import type { SmsOutcome, SubscriptionsContext, Texter } from "./types.ts";

export async function changeLanguage({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: { texter: Texter; language: Language };
}): Promise<SmsOutcome> {
  const { subscriber } = input.texter;
  const { language } = input;
  if (!subscriber) {
    // No subscriber row to keep it on (we store no one who has not opted in): the choice is kept
    // with this message's inbound record, and the ZIP they text next is subscribed in it.
    const example = await exampleZip(ctx.db, ctx.config);
    return { reply: [nothingToStartReply(language, { program: ctx.config.program.name, example })] };
  }
  const reply = [languageChangedReply(language, { program: ctx.config.program.name })];
  if (subscriber.language === language) return { reply };
  // The same statement stores the reply (Texter.replyStore).
  const store = input.texter.replyStore?.({ reply });
  await updateSubscriber(ctx.db, subscriber.id, { language, now: ctx.clock.now(), reply: store });
  return { reply, replyStored: store !== undefined };
}
