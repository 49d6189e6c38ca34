/**
 * changeLanguage: EN, ES / ESPAÑOL, 中文 / ZH, VI / TIẾNG VIỆT. Replies and alerts come in the new
 * language from now on; the confirmation is in it too.
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
    // Nothing to keep a language for: we store no one who has not opted in.
    const example = await exampleZip(ctx.db, ctx.config);
    return { reply: [nothingToStartReply(language, { program: ctx.config.program.name, example })] };
  }
  if (subscriber.language !== language) {
    await updateSubscriber(ctx.db, subscriber.id, { language, now: ctx.clock.now() });
  }
  return { reply: [languageChangedReply(language)] };
}
