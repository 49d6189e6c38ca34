/**
 * The operator API's zod schemas: request bodies (validated), and the shapes of answers (for the
 * OpenAPI document, and checked against real answers in tests).
 */
import { z } from "zod";
import { ROLES } from "../../auth/permissions.ts";
import { LANGUAGES } from "../../i18n/languages.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../security/passwords.ts";
import { MAX_RADIUS_MILES } from "../../services/alerts/targets.ts";

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max);

export const Id = z.uuid({ message: "must be a UUID" });
export const IdParams = z.object({ id: Id });
export const Zip = z.string().regex(/^\d{5}$/, "must be a 5-digit ZIP");
export const Language = z.enum(LANGUAGES);
export const Role = z.enum(ROLES);
export const KeyRole = z.enum(["operator", "verifier", "comms"]);
export const Channel = z.enum(["sms", "email", "push"]);
export const Channels = z
  .array(Channel)
  .min(1)
  .max(3)
  .refine((list) => new Set(list).size === list.length, {
    message: "must not repeat a channel",
  });
export const Priority = z.enum(["alert", "advisory", "community"]);
export const Timestamp = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
export const Email = z.email().max(254);
export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);
export const Limit = z.coerce.number().int().min(1).max(500).default(100);

// --- accounts ---------------------------------------------------------------------------------

export const Organisation = z.object({ id: Id, name: z.string() });
export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  organisation: Organisation,
  disabled: z.boolean(),
  createdAt: z.string(),
});
const TotpCode = z
  .string()
  .trim()
  .regex(/^\d{3} ?\d{3}$/, "must be the 6 digits the authenticator app shows");
const RecoveryCode = z
  .string()
  .trim()
  .min(16)
  .max(24)
  .describe("One of the recovery codes, XXXX-XXXX-XXXX-XXXX");
export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  code: TotpCode.optional().describe(
    "For an account with a second factor: the app's code, to sign in in one step",
  ),
  recoveryCode: RecoveryCode.optional(),
});
export const LoginAnswer = z.object({
  user: User,
  expiresAt: z.string(),
  next: z
    .enum(["code", "enrol"])
    .nullable()
    .describe(
      "`code`: the password was right; send the second factor to POST /auth/login/code (this session opens nothing else and ends at expiresAt). `enrol`: set up a second factor before anything else. null: signed in.",
    ),
});
export const LoginCodeBody = z
  .object({ code: TotpCode, recoveryCode: RecoveryCode })
  .partial()
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), {
    message: "send either code or recoveryCode",
  });
export const SecondFactor = z.object({
  required: z.boolean().describe("Whether your role must sign in with a second factor (TOTP_REQUIRED_ROLES)"),
  enrolled: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export const TotpEnrolment = z.object({
  secret: z
    .string()
    .describe("The TOTP secret in base32, to type into an authenticator app; shown this once"),
  uri: z.string().describe("The same as an otpauth:// URI (for a QR code)"),
});
export const ConfirmTotpBody = z.object({ code: TotpCode });
export const RecoveryCodes = z.object({
  recoveryCodes: z
    .array(z.string())
    .describe("Ten one-time codes, shown this once; each replaces a TOTP code once"),
});
export const Me = z.object({
  actor: z.string().describe('"user:<id>" or "key:<id>", as the audit log names them'),
  kind: z.enum(["user", "key"]),
  role: Role,
  name: z.string(),
  organisation: Organisation,
});
export const PasswordBody = z.object({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: Password,
});
export const CreateUserBody = z.object({
  email: Email,
  name: text(200),
  role: Role,
  organisation: text(200).optional().describe("The admin's own organisation (the default)"),
  password: Password,
});
export const UpdateUserBody = z
  .object({
    name: text(200),
    role: Role,
    organisation: text(200),
    password: Password,
    disabled: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "change at least one field" });
export const ApiKey = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  role: KeyRole,
  organisation: Organisation,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revoked: z.boolean(),
});
export const CreateKeyBody = z.object({
  name: text(200),
  role: KeyRole,
  organisation: text(200).optional().describe("The admin's own organisation (the default)"),
});
export const CreatedKey = z.object({
  key: z.string().describe("The key itself: shown this once, stored only as a hash"),
  apiKey: ApiKey,
});

// --- sightings --------------------------------------------------------------------------------

export const SightingStatus = z.enum(["reported", "dispatched", "verified", "unconfirmed", "false_alarm"]);
export const Agency = z.enum(["ice", "cbp", "unknown", "other"]);
export const Activity = z.enum([
  "sweep",
  "targeted_arrest",
  "checkpoint",
  "traffic_stop",
  "workplace",
  "other",
]);
export const Source = z.enum(["hotline_call", "text", "responder"]);
export const VerificationMethod = z.enum(["responder_on_scene", "photo", "independent_reports", "other"]);

const sightingFields = {
  zip: Zip,
  place: text(300),
  crossStreets: text(300).nullable().optional(),
  observedAt: Timestamp,
  agency: Agency,
  activity: Activity,
  vehicles: z.number().int().min(0).max(1000).nullable().optional(),
  agents: z.number().int().min(0).max(10_000).nullable().optional(),
  description: text(4000).nullable().optional(),
  source: Source,
};
export const CreateSightingBody = z.object({
  ...sightingFields,
  reporterCallback: z
    .string()
    .trim()
    .min(7)
    .max(32)
    .nullable()
    .optional()
    .describe("The caller's number, if they want a call back: encrypted, purged after the retention window"),
});
export const UpdateSightingBody = z
  .object(sightingFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "change at least one field" });
export const VerificationBody = z.object({
  method: VerificationMethod,
  notes: text(2000).nullable().optional(),
});
export const ResolveBody = z.object({
  status: z.enum(["verified", "unconfirmed", "false_alarm"]),
  verification: VerificationBody.optional(),
});
export const MergeBody = z.object({ duplicateIds: z.array(Id).min(1).max(50) });
export const Sighting = z.object({
  id: Id,
  status: SightingStatus,
  zip: Zip,
  /** null once the free text was erased (SIGHTING_TEXT_RETENTION_DAYS after the decision). */
  place: z.string().nullable(),
  crossStreets: z.string().nullable(),
  observedAt: z.string(),
  agency: Agency,
  activity: Activity,
  vehicles: z.number().nullable(),
  agents: z.number().nullable(),
  description: z.string().nullable(),
  source: Source,
  reporterCallback: z.enum(["none", "held", "purged"]),
  reporterCallbackPurgeAfter: z.string().nullable(),
  textErasedAt: z.string().nullable(),
  incidentId: Id,
  organisationId: Id,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  verifications: z.array(
    z.object({
      id: z.string(),
      actor: z.string(),
      method: VerificationMethod,
      notes: z.string().nullable(),
      at: z.string(),
    }),
  ),
});
export const CreatedSighting = z.object({ sighting: Sighting, likelyDuplicates: z.array(Sighting) });
export const SightingQuery = z.object({
  status: SightingStatus.optional(),
  zip: Zip.optional(),
  limit: Limit,
});

// --- alerts and statements --------------------------------------------------------------------

export const Text = z.object({ headline: text(200), body: text(4000), smsText: text(600) });
export const Texts = z.partialRecord(Language, Text);
export const Target = z.union([
  z.object({ zips: z.array(Zip).min(1).max(2000) }).strict(),
  z.object({ radiusMiles: z.number().positive().max(MAX_RADIUS_MILES), aroundZip: Zip.optional() }).strict(),
]);
export const StatementTarget = z.union([Target, z.object({ cityWide: z.literal(true) }).strict()]);

export const DraftAlertBody = z.object({
  sightingId: Id.optional(),
  templateLanguages: z.array(Language).min(1).optional(),
  texts: Texts.optional(),
  priority: Priority.default("alert"),
  target: Target.optional(),
  channels: Channels.default(["sms", "email", "push"]),
  expiresAt: Timestamp.optional(),
  drill: z.boolean().default(false),
});
export const DraftStatementBody = z.object({
  texts: z.partialRecord(
    Language,
    z.object({ headline: text(200), body: text(4000), smsText: text(600).optional() }),
  ),
  link: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  priority: Priority.default("advisory"),
  target: StatementTarget,
  channels: Channels.default(["sms", "email", "push"]),
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
    link: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .nullable(),
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
const PerChannel = z.object({ sms: z.number(), email: z.number(), push: z.number() });
export const Published = z.object({
  publishedAt: z.string(),
  audience: z.enum(["target", "drill_allowlist", "original_recipients"]),
  deliveries: PerChannel,
  jobs: z.number(),
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
      sms: z.object({
        text: z.string().describe("Exactly what residents receive, label first"),
        encoding: z.enum(["GSM-7", "UCS-2"]),
        segments: z.number(),
        characters: z.number(),
        unicodeCharacters: z.array(z.string()),
      }),
      emailSubject: z.string(),
      pushTitle: z.string(),
    }),
  ),
  recipients: z.object({ total: z.number(), byChannel: PerChannel, byZip: z.record(z.string(), PerChannel) }),
  hash: z
    .string()
    .describe(
      "Quote it to approve: SHA-256 over everything above except the recipient counts (and over the stored target ZIPs and channels, and the sighting the alert is about)",
    ),
});

// --- audit ------------------------------------------------------------------------------------

export const AuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const AuditQuery = z.object({
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: Limit,
});

export const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
