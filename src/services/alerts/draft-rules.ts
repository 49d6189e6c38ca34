/**
 * The rules every draft and every edit of one must meet: who may draft, the texts (English
 * required, each SMS within MAX_SMS_SEGMENTS), the channels the priority allows, the expiry. They
 * throw the error the caller answers with; insert-draft.ts writes a draft that passed them.
 */

import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertKind, AlertPriority, Channel } from "../../db/database.ts";
import { ApiError, invalid } from "../../errors.ts";
import { DEFAULT_LANGUAGE, LANGUAGES } from "../../i18n/languages.ts";
import type { Family, Texts } from "./alert-record.ts";
import { mayDraft } from "./approval-rules.ts";
import { MAX_SMS_SEGMENTS, type MessageAlert, smsFits } from "./compose.ts";
import { channelsFor } from "./publish.ts";

export const DEFAULT_EXPIRY_HOURS: Record<AlertKind, number> = {
  sighting: 4,
  update: 4,
  cancel: 4,
  statement: 24,
};
export const MAX_EXPIRY_HOURS = 7 * 24;

/**
 * An English text is required, and every language's SMS must fit MAX_SMS_SEGMENTS as it will be
 * sent: label first and the alert page's short link last (compose.ts), so the limit is on the
 * whole message, not on the operator's text alone. `sms` says what the label will be.
 */
export function checkTexts(texts: Texts, sms: { alert: Omit<MessageAlert, "id">; publicUrl: string }): void {
  if (!texts[DEFAULT_LANGUAGE]) {
    throw invalid("texts.en", "an English text is required (residents whose language is missing get it)");
  }
  for (const language of LANGUAGES) {
    const text = texts[language];
    if (!text) continue;
    const fit = smsFits(sms.alert, language, text.smsText, sms.publicUrl);
    if (!fit.fits) {
      throw invalid(
        `texts.${language}.smsText`,
        `with its label and link the SMS would take ${fit.segments} segments (${fit.characters} characters); at most ${MAX_SMS_SEGMENTS}: shorten it`,
      );
    }
  }
}

export function expiryFor(kind: AlertKind, expiresAt: Date | undefined, now: Date): Date {
  const at = expiresAt ?? new Date(now.getTime() + DEFAULT_EXPIRY_HOURS[kind] * 3_600_000);
  if (at.getTime() <= now.getTime()) throw invalid("expiresAt", "is in the past");
  if (at.getTime() > now.getTime() + MAX_EXPIRY_HOURS * 3_600_000) {
    throw invalid("expiresAt", `is more than ${MAX_EXPIRY_HOURS / 24} days away`);
  }
  return at;
}

export function checkChannels(
  priority: AlertPriority,
  channels: Channel[],
  config: Pick<AppContext["config"], "delivery">,
): void {
  const allowed = channelsFor(priority, config);
  if (!channels.some((channel) => allowed.includes(channel))) {
    throw invalid(
      "channels",
      `a ${priority} message goes only by ${allowed.join(", ")}; none of the chosen channels is among them`,
    );
  }
}

export function requireDrafter(family: Family, actor: Actor): void {
  if (!mayDraft(family, actor.role)) {
    throw new ApiError(
      "forbidden",
      family === "statement"
        ? "Statements are drafted by comms"
        : "Alerts are drafted by operators and verifiers",
    );
  }
}
