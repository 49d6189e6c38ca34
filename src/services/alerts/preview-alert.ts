/**
 * previewAlert: exactly what an approver is asked to approve. Per language, the SMS as it will be
 * sent (label first, the alert page's short link last) with its segment count, the email subject
 * and the push title; the channels; who it reaches, per channel, ZIP and language; and an approval hash.
 *
 * The hash is SHA-256 over a canonical JSON of everything the approver decides on, which is
 * everything a resident can see or follow: kind and label, cancel reason, priority, drill flag,
 * sender, audience, the target ZIPs and channels (as stored, which the alert page and CAP show,
 * and as they will be used), expiry, the link on the alert page, the alert it follows and the
 * sighting it is about, and every language's texts and composed messages (a property test,
 * approval-hash.test.ts, holds it to that). Recipient counts, and the fallback counts (residents
 * whose language has no text, and which language they get instead), are shown but not hashed:
 * residents subscribe and leave every minute, and an approval must not fail because someone
 * texted a ZIP in the seconds between preview and approval. A changed target or text does change
 * the hash. In English and Spanish the SMS may be written in GSM-7 to save segments
 * (src/sms/gsm-fold.ts): the preview shows and hashes that text, which is the one sent.
 */
import { createHash } from "node:crypto";
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { Channel } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { invalid } from "../../errors.ts";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";
import type { GsmFold } from "../../sms/gsm-fold.ts";
import type { SegmentCount } from "../../sms/segments.ts";
import { SAY_VOICES, voiceScript } from "../../voice/compose.ts";
import { type ComposedWhatsApp, composeWhatsApp } from "../../whatsapp/compose.ts";
import { loadAlertFor } from "./alert-access.ts";
import type { AlertRecord } from "./alert-record.ts";
import { alertLabel, composeSmsCounted, type MessageAlert, pickText } from "./compose.ts";
import {
  type Audience,
  audienceOf,
  countRecipients,
  effectiveChannels,
  type RecipientCounts,
  restrictedRecipients,
} from "./recipients.ts";

export type LanguagePreview = {
  language: Language;
  label: string;
  headline: string;
  body: string;
  /** The SMS text as written (the Atom feed's summary); `sms.text` is what is sent. */
  smsText: string;
  /** `saving`: what writing it in GSM-7 saved, when the text was (English and Spanish only). */
  sms: { text: string; saving: GsmFold["saving"] } & SegmentCount;
  emailSubject: string;
  pushTitle: string;
  /** Free-form (inside the 24-hour window) and the template with its variables (outside it). */
  whatsapp: ComposedWhatsApp;
  /** What an alert call says, in order (src/voice/compose.ts), and the <Say> language it uses. */
  voice: { say: string; script: string[] };
};

export type AlertPreview = {
  alertId: string;
  kind: AlertRecord["row"]["kind"];
  family: AlertRecord["family"];
  status: AlertRecord["row"]["status"];
  priority: AlertRecord["row"]["priority"];
  drill: boolean;
  senderOrg: string;
  audience: Audience;
  targetZips: string[] | null;
  referencesAlertId: string | null;
  cancelReason: AlertRecord["row"]["cancel_reason"];
  /** The link the alert page shows (statements); null for none. */
  link: string | null;
  channels: Channel[];
  expiresAt: string;
  languages: LanguagePreview[];
  recipients: RecipientCounts;
  /** Recipients whose language the alert has no text in, and the text they get instead. */
  fallbacks: LanguageFallback[];
  hash: string;
};

export type LanguageFallback = {
  channel: Channel;
  language: Language;
  /** The language of the text they get (compose.ts's pickText: English, else the first). */
  fallback: Language;
  recipients: number;
};

type Ctx = Pick<AppContext, "db" | "config" | "pii">;

export function messageAlert(record: AlertRecord): MessageAlert {
  return {
    id: record.row.id,
    kind: record.row.kind,
    priority: record.row.priority,
    is_drill: record.row.is_drill,
    ...(record.row.cancel_reason ? { cancelReason: record.row.cancel_reason } : {}),
    verifiedSighting: record.row.sighting_id !== null,
    sightingLabel: record.row.sighting_label,
  };
}

export async function buildPreview(db: DbOrTx, ctx: Ctx, record: AlertRecord): Promise<AlertPreview> {
  const { row } = record;
  const audience = audienceOf(row);
  const alert = messageAlert(record);
  const languages = LANGUAGES.flatMap((language): LanguagePreview[] => {
    const text = record.texts[language];
    if (!text) return [];
    const label = alertLabel(alert, language);
    // The SMS exactly as the worker sends it, the alert page's short link included, and hashed
    // with it. The link depends only on the alert id (hashed anyway) and PUBLIC_URL, so it never
    // makes a preview differ from its approval by itself; but it is part of what residents get and
    // of the segment count the approver weighs, and a PUBLIC_URL changed between approval and
    // publish changes the text sent, which then needs a new approval, as any other change does.
    // In English and Spanish it may be written in GSM-7 to save segments: the folded text is the
    // one shown, hashed and sent (composeSms).
    const message = { language, headline: text.headline, body: text.body, sms_text: text.smsText };
    const sms = composeSmsCounted(alert, message, ctx.config.publicUrl);
    return [
      {
        language,
        label,
        headline: text.headline,
        body: text.body,
        smsText: text.smsText,
        sms: { text: sms.text, ...sms.count, saving: sms.saving },
        emailSubject: `${label}: ${text.headline}`,
        pushTitle: `${label}: ${text.headline}`,
        // Hashed with the rest: the template chosen (and a fallback to English's) is approved too.
        whatsapp: composeWhatsApp(alert, message, {
          publicUrl: ctx.config.publicUrl,
          whatsapp: ctx.config.whatsapp,
        }),
        // Hashed too: what is spoken on an alert call is approved like what is written.
        voice: { say: SAY_VOICES[language].language, script: voiceScript(alert, message) },
      },
    ];
  });
  const channels =
    audience === "original_recipients"
      ? [...new Set((await restrictedRecipients(db, ctx, row)).map((r) => r.channel))].sort()
      : effectiveChannels(row, ctx.config);
  const decided = {
    alertId: row.id,
    kind: row.kind,
    family: record.family,
    priority: row.priority,
    drill: row.is_drill,
    senderOrg: row.sender_org,
    audience,
    targetZips: audience === "target" ? row.target_zips : null,
    referencesAlertId: row.references_alert_id,
    cancelReason: row.cancel_reason,
    link: row.link,
    channels,
    expiresAt: row.expires_at.toISOString(),
    languages,
  };
  // Hashed but not shown as such: what the preview's fields already say in another form (a
  // follow-up's or a drill's stored ZIPs, which pages and CAP show; channels as drafted; whether
  // it is tied to a sighting, which decides VERIFIED).
  const stored = {
    targetZips: row.target_zips,
    channels: row.channels,
    sightingId: row.sighting_id,
  };
  const hash = createHash("sha256")
    .update(canonicalJson({ ...decided, stored }))
    .digest("hex");
  const recipients = await countRecipients(db, ctx, row);
  const fallbacks = fallbacksOf(
    recipients,
    languages.map((l) => l.language),
    channels,
  );
  return { ...decided, status: row.status, recipients, fallbacks, hash };
}

/**
 * Per channel, the recipients whose language has no text, and which text they get: counted, so
 * the approver knows before approving that, say, 40 residents will read the alert in English.
 */
export function fallbacksOf(
  recipients: RecipientCounts,
  written: readonly Language[],
  channels: readonly Channel[],
): LanguageFallback[] {
  if (written.length === 0) return [];
  const texts = written.map((language) => ({ language }));
  return channels.flatMap((channel) =>
    LANGUAGES.flatMap((language): LanguageFallback[] => {
      const n = recipients.byLanguage[channel][language] ?? 0;
      if (n === 0 || written.includes(language)) return [];
      return [{ channel, language, fallback: pickText(texts, language).language, recipients: n }];
    }),
  );
}

export async function previewAlert({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { alertId: string; language?: Language; actor: Pick<Actor, "organisationId"> };
}): Promise<AlertPreview> {
  const record = await loadAlertFor(ctx.db, input.alertId, input.actor);
  const preview = await buildPreview(ctx.db, ctx, record);
  if (!input.language) return preview;
  const only = preview.languages.filter((l) => l.language === input.language);
  if (only.length === 0) {
    throw invalid(
      "language",
      `the alert has no ${input.language} text (it has ${preview.languages.map((l) => l.language).join(", ")})`,
    );
  }
  return { ...preview, languages: only };
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
