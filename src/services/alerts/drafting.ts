/**
 * What every draft shares: checks on texts and expiry, the insert, and its audit entry.
 */

import type { Transaction } from "kysely";
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertKind, AlertPriority, Channel, Database } from "../../db/database.ts";
import { ApiError, invalid } from "../../errors.ts";
import { DEFAULT_LANGUAGE, LANGUAGES } from "../../i18n/languages.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { type Family, type Texts, writeTexts } from "./alert-record.ts";
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

export type DraftValues = {
  kind: AlertKind;
  priority: AlertPriority;
  targetZips: string[];
  channels: Channel[];
  drill: boolean;
  expiresAt: Date;
  sightingId?: string | null;
  referencesAlertId?: string | null;
  cancelReason?: "all_clear" | "false_alarm" | null;
  link?: string | null;
  texts: Texts;
};

export async function insertDraft(
  tx: Transaction<Database>,
  actor: Actor,
  values: DraftValues,
  now: Date,
  details: Record<string, unknown> = {},
): Promise<string> {
  const { id } = await tx
    .insertInto("alerts")
    .values({
      kind: values.kind,
      priority: values.priority,
      target_zips: values.targetZips,
      channels: values.channels,
      is_drill: values.drill,
      sender_org: actor.organisationName,
      organisation_id: actor.organisationId,
      author_id: actor.id,
      approver_id: null,
      references_alert_id: values.referencesAlertId ?? null,
      sighting_id: values.sightingId ?? null,
      cancel_reason: values.cancelReason ?? null,
      link: values.link ?? null,
      expires_at: values.expiresAt,
      created_at: now,
      updated_at: now,
      published_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await writeTexts(tx, id, values.texts);
  await recordAudit(tx, {
    actor: actor.id,
    action: "alert.drafted",
    target: { type: "alert", id },
    details: {
      kind: values.kind,
      priority: values.priority,
      drill: values.drill,
      languages: Object.keys(values.texts),
      ...(values.sightingId ? { sighting: values.sightingId } : {}),
      ...(values.referencesAlertId ? { references: values.referencesAlertId } : {}),
      ...details,
    },
    at: now,
  });
  return id;
}
