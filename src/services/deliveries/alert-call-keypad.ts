/**
 * A key pressed during an alert call (issue 17, point 5): 1 hears the alert again, 9 stops this
 * phone's alert calls (its voice subscription only: texts, WhatsApp and email are subscriptions of
 * their own and stay as they are). Anything else, or nothing, ends the call. The keypad URL names
 * the ledger row and carries the subscriber's signed token (src/voice/urls.ts); a token that does
 * not match the row's subscriber is refused and changes nothing.
 */
import type { AppContext } from "../../context.ts";
import type { AlertKind, AlertPriority } from "../../db/database.ts";
import type { Language } from "../../i18n/languages.ts";
import { verifyUnsubscribeToken } from "../../security/unsubscribe-token.ts";
import { sayAndHangUp, VOICE_PROMPTS, voiceScript, voiceTwiml } from "../../voice/compose.ts";
import { voiceKeypadUrl } from "../../voice/urls.ts";
import { type MessageAlert, pickText } from "../alerts/compose.ts";
import { updateSubscriber } from "../subscriptions/sms-subscribers.ts";

export type KeypadInput = { deliveryId: string | undefined; token: string | undefined; digits: string };

/** TwiML to answer with, or null when the URL is not one we made (the route answers 403). */
export async function alertCallKeypad({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "pii" | "config" | "clock">;
  input: KeypadInput;
}): Promise<string | null> {
  const subscriberId = input.token ? verifyUnsubscribeToken(ctx.pii, input.token) : null;
  if (!subscriberId || !input.deliveryId || !/^\d{1,18}$/.test(input.deliveryId)) return null;
  const row = await ctx.db
    .selectFrom("deliveries as d")
    .innerJoin("subscribers as s", "s.id", "d.subscriber_id")
    .innerJoin("alerts as a", "a.id", "d.alert_id")
    .select([
      "d.alert_id",
      "s.id as subscriber_id",
      "s.language",
      "s.status as subscriber_status",
      "a.kind",
      "a.priority",
      "a.is_drill",
      "a.cancel_reason",
      "a.sighting_id",
      "a.sighting_label",
    ])
    .where("d.id", "=", input.deliveryId)
    .where("d.channel", "=", "voice")
    .where("d.subscriber_id", "=", subscriberId)
    .executeTakeFirst();
  if (!row) return null;
  const language = row.language as Language;

  if (input.digits === "9") {
    if (row.subscriber_status !== "stopped") {
      await updateSubscriber(ctx.db, row.subscriber_id, {
        status: "stopped",
        language,
        consent: { kind: "opt_out", channel: "voice", keyword: "call_keypad_nine" },
        now: ctx.clock.now(),
      });
    }
    return sayAndHangUp(language, VOICE_PROMPTS.stopped[language]);
  }
  if (input.digits === "1") {
    const texts = await ctx.db
      .selectFrom("alert_texts")
      .select(["language", "headline", "body", "sms_text"])
      .where("alert_id", "=", row.alert_id)
      .execute();
    if (texts.length === 0) return sayAndHangUp(language, "");
    const alert: MessageAlert = {
      id: row.alert_id,
      kind: row.kind as AlertKind,
      priority: row.priority as AlertPriority,
      is_drill: row.is_drill,
      ...(row.cancel_reason ? { cancelReason: row.cancel_reason } : {}),
      verifiedSighting: row.sighting_id !== null,
      sightingLabel: row.sighting_label,
    };
    const text = pickText(texts, language);
    const keypadUrl = voiceKeypadUrl(ctx.config.publicUrl, ctx.pii, {
      deliveryId: input.deliveryId,
      subscriberId: row.subscriber_id,
    });
    return voiceTwiml(text.language, voiceScript(alert, text), keypadUrl);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>`;
}
