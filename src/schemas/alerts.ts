/** Alerts and statements: request bodies (API and console forms), answers and the preview. */
import { z } from "zod";
import { MAX_RADIUS_MILES } from "../services/alerts/targets.ts";
import {
  ALL_CHANNELS,
  Channel,
  Channels,
  Id,
  Language,
  Limit,
  Priority,
  Timestamp,
  text,
  Zip,
} from "./common.ts";

/** How long each text may be, in characters (the SMS text is also held to MAX_SMS_SEGMENTS once composed). */
export const TEXT_LIMITS = { headline: 200, body: 4000, smsText: 600 } as const;
export const Text = z.object({
  headline: text(TEXT_LIMITS.headline),
  body: text(TEXT_LIMITS.body),
  smsText: text(TEXT_LIMITS.smsText),
});
export const Texts = z.partialRecord(Language, Text);
/** A statement's link, shown on its page. */
export const Link = z.url({ protocol: /^https?$/ }).max(500);
export const AlertKind = z.enum(["sighting", "statement", "update", "cancel"]);
export const CancelReason = z.enum(["false_alarm", "all_clear"]);
export const Target = z.union([
  z.object({ zips: z.array(Zip).min(1).max(2000) }).strict(),
  z.object({ radiusMiles: z.number().positive().max(MAX_RADIUS_MILES), aroundZip: Zip.optional() }).strict(),
]);
export const StatementTarget = z.union([Target, z.object({ cityWide: z.literal(true) }).strict()]);

export const DraftAlertBody = z.object({
  sightingId: Id.optional(),
  /**
   * Draft from a sighting responders were dispatched to but nobody verified yet, labelled
   * UNCONFIRMED; only with UNCONFIRMED_ALERTS on (403 otherwise).
   */
  unconfirmed: z
    .boolean()
    .default(false)
    .describe(
      "With `sightingId` of a dispatched sighting not yet verified: an alert labelled UNCONFIRMED (unconfirmed report, responders on the way, avoid the area). Only when UNCONFIRMED_ALERTS is on; 403 otherwise, and nothing is written.",
    ),
  templateLanguages: z.array(Language).min(1).optional(),
  texts: Texts.optional(),
  priority: Priority.default("alert"),
  target: Target.optional(),
  channels: Channels.default(ALL_CHANNELS),
  expiresAt: Timestamp.optional(),
  drill: z.boolean().default(false),
});
export const DraftStatementBody = z.object({
  texts: z.partialRecord(
    Language,
    z.object({
      headline: Text.shape.headline,
      body: Text.shape.body,
      smsText: Text.shape.smsText.optional(),
    }),
  ),
  link: Link.optional(),
  priority: Priority.default("advisory"),
  target: StatementTarget,
  channels: Channels.default(ALL_CHANNELS),
  expiresAt: Timestamp.optional(),
  drill: z.boolean().default(false),
});
export const EditAlertBody = z
  .object({
    texts: z.partialRecord(Language, Text.partial().nullable()),
    priority: Priority,
    target: StatementTarget,
    channels: Channels,
    expiresAt: Timestamp,
    link: Link.nullable(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "change at least one field" });
export const UpdateBody = z.object({
  texts: Texts,
  priority: Priority.optional(),
  expiresAt: Timestamp.optional(),
});
export const CancelBody = z.object({
  reason: z.enum(["false_alarm", "all_clear"]),
  texts: Texts.optional(),
  expiresAt: Timestamp.optional(),
  publishNow: z
    .boolean()
    .default(false)
    .describe(
      "Approve and publish at once: a verifier alone, when VERIFIER_MAY_CANCEL_ALONE is on, and only with the pre-written text (no `texts`, no `expiresAt`)",
    ),
});
export const ApproveBody = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/, "must be the preview's hash"),
  publishNow: z.boolean().default(true),
});
export const AlertQuery = z.object({
  status: z.enum(["draft", "approved", "published", "expired", "cancelled"]).optional(),
  kind: z.enum(["sighting", "statement", "update", "cancel"]).optional(),
  limit: Limit,
});
export const PreviewQuery = z.object({ language: Language.optional() });

const TextOut = z.object({ headline: z.string(), body: z.string(), smsText: z.string() });
export const Alert = z.object({
  id: Id,
  kind: z.enum(["sighting", "statement", "update", "cancel"]),
  family: z.enum(["alert", "statement"]),
  priority: Priority,
  status: z.enum(["draft", "approved", "published", "expired", "cancelled"]),
  drill: z.boolean(),
  senderOrg: z.string(),
  authorId: z.string().nullable(),
  editorIds: z.array(z.string()),
  approverId: z.string().nullable(),
  referencesAlertId: Id.nullable(),
  sightingId: Id.nullable(),
  sightingLabel: z
    .enum(["unconfirmed", "verified"])
    .nullable()
    .describe(
      "unconfirmed: a sighting alert labelled UNCONFIRMED; verified: the update labelled VERIFIED that follows one once its sighting is verified",
    ),
  cancelReason: z.enum(["false_alarm", "all_clear"]).nullable(),
  link: z.string().nullable(),
  channels: z.array(Channel),
  targetZips: z.array(Zip),
  expiresAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  approvedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  texts: z.partialRecord(Language, TextOut),
});
const PerChannel = z.object({
  sms: z.number(),
  email: z.number(),
  push: z.number(),
  whatsapp: z.number(),
  voice: z.number(),
});
export const Published = z.object({
  publishedAt: z.string(),
  audience: z.enum(["target", "drill_allowlist", "original_recipients"]),
  deliveries: PerChannel,
  jobs: z.number(),
  ledgerComplete: z
    .boolean()
    .describe(
      "False for a large alert whose ledger is written in two waves: deliveries and jobs are then the first wave's (the sighting ZIP's first batch per channel, already being sent), and the rest is written within seconds (see the alert's delivery figures)",
    ),
});
export const ApprovalAnswer = z.object({ alert: Alert, published: Published.nullable() });
export const Preview = z.object({
  alertId: Id,
  kind: Alert.shape.kind,
  family: Alert.shape.family,
  status: Alert.shape.status,
  priority: Priority,
  drill: z.boolean(),
  senderOrg: z.string(),
  audience: Published.shape.audience,
  targetZips: z.array(Zip).nullable(),
  referencesAlertId: Id.nullable(),
  cancelReason: Alert.shape.cancelReason,
  link: z.string().nullable().describe("The link the alert's page shows, if any"),
  channels: z.array(Channel),
  expiresAt: z.string(),
  languages: z.array(
    z.object({
      language: Language,
      label: z.string(),
      headline: z.string(),
      body: z.string(),
      smsText: z.string().describe("The SMS text as written (the feeds' summary)"),
      sms: z.object({
        text: z
          .string()
          .describe(
            "Exactly what residents receive, label first; in English and Spanish written in GSM-7 when that takes fewer segments (á as a, curly quotes as straight ones)",
          ),
        encoding: z.enum(["GSM-7", "UCS-2"]),
        segments: z.number(),
        characters: z.number(),
        unicodeCharacters: z.array(z.string()),
        saving: z
          .object({
            before: z.object({
              encoding: z.enum(["GSM-7", "UCS-2"]),
              segments: z.number(),
              characters: z.number(),
              unicodeCharacters: z.array(z.string()),
            }),
            replaced: z.array(z.object({ from: z.string(), to: z.string() })),
          })
          .nullable()
          .describe("When the SMS was written in GSM-7: its count as written, and each character replaced"),
      }),
      emailSubject: z.string(),
      pushTitle: z.string(),
      voice: z
        .object({
          say: z
            .string()
            .describe("The <Say> language code Twilio speaks it in (en-US, es-US, cmn-CN, vi-VN)"),
          script: z
            .array(z.string())
            .describe("What an alert call says, in order: the message, again, the keypad choices"),
        })
        .describe("The alert call's script (voice channel), hashed with the rest"),
      whatsapp: z.object({
        freeForm: z.string().describe("What goes inside the resident's 24-hour WhatsApp window"),
        template: z
          .object({
            contentSid: z.string(),
            language: Language,
            fallback: z.boolean().describe("True when this language has no template and English's is used"),
            variables: z.object({ "1": z.string(), "2": z.string(), "3": z.string() }),
          })
          .nullable()
          .describe("The approved template sent outside the window; null when WhatsApp is not configured"),
      }),
    }),
  ),
  recipients: z.object({
    total: z.number(),
    byChannel: PerChannel,
    byZip: z.record(z.string(), PerChannel),
    byLanguage: z
      .object({
        sms: z.partialRecord(Language, z.number()),
        email: z.partialRecord(Language, z.number()),
        push: z.partialRecord(Language, z.number()),
      })
      .describe("Per channel, recipients by their language"),
  }),
  fallbacks: z
    .array(z.object({ channel: Channel, language: Language, fallback: Language, recipients: z.number() }))
    .describe(
      "Recipients whose language the alert has no text in, per channel and language, and the language they get instead",
    ),
  hash: z
    .string()
    .describe(
      "Quote it to approve: SHA-256 over everything above except the recipient counts and fallbacks (and over the stored target ZIPs and channels, and the sighting the alert is about)",
    ),
});
