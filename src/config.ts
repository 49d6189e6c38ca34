/**
 * The environment, parsed once at start-up into a typed Config that is passed in everywhere.
 * Nothing else reads process.env: a request never depends on the environment at call time.
 */
import { z } from "zod";
import type { Role } from "./db/database.ts";
import type { Language } from "./i18n/languages.ts";
import { productionProblems } from "./production-settings.ts";
import { DEFAULT_PUSH_ENDPOINT_HOSTS, parsePushEndpointHosts } from "./security/push-endpoints.ts";
import { normalizeUsPhone } from "./services/subscriptions/phone-number.ts";

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const optionalUrl = (protocols: string[]) =>
  optionalText.refine((value) => value === undefined || hasProtocol(value, protocols), {
    message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
  });

function hasProtocol(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A keyring: "k2:<base64 32 bytes>,k1:<base64 32 bytes>". The first key encrypts; all decrypt. */
const keyring = optionalText.refine((value) => value === undefined || parseKeyring(value) !== null, {
  message: 'must be "id:base64key[,id:base64key…]" with 32-byte keys and ids of letters, digits, - or _',
});

export function parseKeyring(value: string): { id: string; key: Buffer }[] | null {
  const entries = value.split(",").map((entry) => entry.trim());
  const parsed = entries.map((entry) => {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(entry);
    if (!match) return null;
    const key = Buffer.from(match[2]!, "base64");
    return key.length === 32 ? { id: match[1]!, key } : null;
  });
  if (parsed.some((entry) => entry === null)) return null;
  const valid = parsed as { id: string; key: Buffer }[];
  return new Set(valid.map((entry) => entry.id)).size === valid.length ? valid : null;
}

const base64Key = optionalText.refine(
  (value) => value === undefined || Buffer.from(value, "base64").length === 32,
  { message: "must be 32 bytes, base64-encoded (openssl rand -base64 32)" },
);

const frequencyText = optionalText.refine((value) => value === undefined || value.length <= 40, {
  message: "must be at most 40 characters (it goes into the opt-in SMS reply)",
});

/** The program's WhatsApp sender: an E.164 number, with or without Twilio's "whatsapp:" prefix. */
const whatsappSender = optionalText.refine(
  (value) => value === undefined || /^(?:whatsapp:)?\+[1-9][0-9]{6,14}$/.test(value),
  { message: 'must be an E.164 number such as +15105550100 (a "whatsapp:" prefix is allowed)' },
);

/** A Twilio Content API template: HX and 32 hex digits. */
const contentSid = optionalText.refine((value) => value === undefined || /^HX[0-9a-fA-F]{32}$/.test(value), {
  message: "must be a Twilio Content SID (HX followed by 32 hex digits)",
});

/** "Label|https://…; Label|https://…": links shown on alert pages. */
const linkList = optionalText.refine((value) => value === undefined || parseLinkList(value) !== null, {
  message: 'must be "Label|https://url" entries separated by ";"',
});

export type Link = { label: string; url: string };

export function parseLinkList(value: string): Link[] | null {
  const links: Link[] = [];
  for (const entry of value.split(";").map((part) => part.trim())) {
    if (entry === "") continue;
    const bar = entry.lastIndexOf("|");
    const label = entry.slice(0, bar).trim();
    const url = entry.slice(bar + 1).trim();
    if (bar <= 0 || label === "" || !hasProtocol(url, ["https:", "http:"])) return null;
    links.push({ label, url });
  }
  return links;
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PUBLIC_URL: optionalUrl(["http:", "https:"]),
  DATABASE_URL: optionalUrl(["postgres:", "postgresql:"]),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PII_ENCRYPTION_KEYS: keyring,
  BLIND_INDEX_KEY: base64Key,
  SERVICE_AREA: z
    .string()
    .trim()
    .default("all")
    .refine((value) => parseServiceArea(value) !== null, {
      message: 'must be "all" or a comma-separated list of ZIPs (94607), ZIP prefixes (946*) or states (CA)',
    }),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_MESSAGING_SERVICE_SID: optionalText,
  TWILIO_FROM: optionalText,
  // The number alert calls come from (a Twilio voice number); unset: TWILIO_FROM.
  TWILIO_VOICE_FROM: optionalText,
  TWILIO_API_URL: optionalUrl(["http:", "https:"]),
  // WhatsApp through the same Twilio account (src/whatsapp/, docs/deploy.md).
  TWILIO_WHATSAPP_FROM: whatsappSender,
  WHATSAPP_ALERT_TEMPLATE_EN: contentSid,
  WHATSAPP_ALERT_TEMPLATE_ES: contentSid,
  WHATSAPP_ALERT_TEMPLATE_ZH: contentSid,
  WHATSAPP_ALERT_TEMPLATE_VI: contentSid,
  WHATSAPP_RATE_PER_SECOND: z.coerce.number().positive().max(10_000).default(20),
  // Alerts by phone call through the same Twilio account (workers/voice-message.ts, docs/deploy.md).
  VOICE_CALLS_PER_SECOND: z.coerce.number().positive().max(1_000).default(1),
  VOICE_ALL_PRIORITIES: z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .default("false")
    .transform((value) => value === "true" || value === "1" || value === "yes"),
  SMTP_URL: optionalUrl(["smtp:", "smtps:"]),
  MAIL_FROM: optionalText,
  VAPID_PUBLIC_KEY: optionalText,
  VAPID_PRIVATE_KEY: optionalText,
  VAPID_SUBJECT: optionalUrl(["mailto:", "https:"]),
  // Operators and city comms (see docs/architecture.md, "Operators").
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(12),
  REPORTER_CALLBACK_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
  // Issue 16: minutes of silence (nobody answered Y) before the next ring of responders is texted.
  RESPONDER_ESCALATION_MINUTES: z.coerce.number().int().min(1).max(120).default(5),
  // Issue 16: invitation texts one organisation may have sent per hour (a stolen session cannot
  // make Aviso text any number of strangers).
  RESPONDER_INVITATIONS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(20),
  APPROVER_REPAGE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
  SIGHTING_DUPLICATE_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  LIVE_STREAMS_PER_USER: z.coerce.number().int().min(1).max(50).default(4),
  LIVE_STREAM_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  DRILL_ALLOWLIST: z
    .string()
    .trim()
    .default("")
    .refine((value) => parseDrillAllowlist(value) !== null, {
      message: "must be a comma-separated list of E.164 phone numbers, email addresses or subscriber ids",
    }),
  VERIFIER_MAY_CANCEL_ALONE: z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .default("true")
    .transform((value) => value === "true" || value === "1" || value === "yes"),
  UNCONFIRMED_ALERTS: z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .default("false")
    .transform((value) => value === "true" || value === "1" || value === "yes"),
  ALERT_TIME_ZONE: z
    .string()
    .trim()
    .default("America/Los_Angeles")
    .refine((value) => isTimeZone(value), {
      message: "must be an IANA time zone such as America/Los_Angeles",
    }),
  CLIENT_IP_HEADER: optionalText.refine((value) => value === undefined || /^[A-Za-z0-9-]+$/.test(value), {
    message: "must be a header name such as X-Forwarded-For or CF-Connecting-IP",
  }),
  TOTP_REQUIRED_ROLES: optionalText.refine((value) => value === undefined || parseRoles(value) !== null, {
    message: 'must be "none" or a comma-separated list of roles (operator, verifier, comms, admin)',
  }),
  // Per worker process. 1/s is a long code's rate; a short code does 100/s, 10DLC depends on the
  // brand's trust score (see docs/architecture.md, "Fan-out").
  SMS_RATE_PER_SECOND: z.coerce.number().positive().max(10_000).default(1),
  COMMUNITY_SMS: z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .default("false")
    .transform((value) => value === "true" || value === "1" || value === "yes"),
  // Text-a-ZIP: what replies say, and how many may go out (see docs/architecture.md, "Text-a-ZIP").
  PROGRAM_NAME: z.string().trim().min(1).max(40).default("Aviso"),
  PROGRAM_HOTLINE: optionalText.refine((value) => value === undefined || value.length <= 40, {
    message: "must be at most 40 characters (it goes into one-segment SMS replies)",
  }),
  // The voice line's option 4: connect the caller to PROGRAM_HOTLINE (<Dial>) instead of saying it.
  PROGRAM_HOTLINE_DIAL: z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .default("false")
    .transform((value) => value === "true" || value === "1" || value === "yes"),
  PROGRAM_MESSAGE_FREQUENCY: frequencyText,
  PROGRAM_MESSAGE_FREQUENCY_ES: frequencyText,
  PROGRAM_MESSAGE_FREQUENCY_ZH: frequencyText,
  PROGRAM_MESSAGE_FREQUENCY_VI: frequencyText,
  PROGRAM_EXAMPLE_ZIP: optionalText.refine((value) => value === undefined || /^\d{5}$/.test(value), {
    message: "must be a 5-digit ZIP",
  }),
  SMS_MAX_ZIPS_PER_SUBSCRIBER: z.coerce.number().int().min(1).max(50).default(10),
  SMS_REPLY_LIMIT_PER_NUMBER: z.coerce.number().int().min(1).max(1_000).default(10),
  SMS_REPLY_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  SMS_REPLY_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  SMS_REFUSAL_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(10),
  // The web (see docs/architecture.md, "Web").
  PROGRAM_SMS_NUMBER: optionalText.refine((value) => value === undefined || value.length <= 40, {
    message: "must be at most 40 characters (the number or short code residents text, as shown on pages)",
  }),
  KNOW_YOUR_RIGHTS_LINKS: linkList,
  KNOW_YOUR_RIGHTS_LINKS_ES: linkList,
  KNOW_YOUR_RIGHTS_LINKS_ZH: linkList,
  KNOW_YOUR_RIGHTS_LINKS_VI: linkList,
  WEB_SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
  PUSH_ENDPOINT_HOSTS: optionalText.refine(
    (value) => value === undefined || parsePushEndpointHosts(value) !== undefined,
    {
      message:
        "must be comma-separated hosts (name, *.domain or IP, optional :port), `default` for the known push services",
    },
  ),
  EMAIL_CONFIRMATION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(48),
  // Privacy and abuse (see docs/privacy.md).
  BLIND_INDEX_KEY_PREVIOUS: base64Key,
  STOPPED_SUBSCRIBER_ERASURE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  DELIVERY_DETACH_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  INBOUND_MESSAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  SIGHTING_TEXT_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  PUBLIC_POSTS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
});

export type ServiceArea =
  | { all: true }
  | { all: false; zips: Set<string>; prefixes: string[]; states: Set<string> };

export function parseServiceArea(value: string): ServiceArea | null {
  if (value.toLowerCase() === "all") return { all: true };
  const area = {
    all: false as const,
    zips: new Set<string>(),
    prefixes: [] as string[],
    states: new Set<string>(),
  };
  for (const part of value.split(",").map((p) => p.trim().toUpperCase())) {
    if (/^\d{5}$/.test(part)) area.zips.add(part);
    else if (/^\d{1,4}\*$/.test(part)) area.prefixes.push(part.slice(0, -1));
    else if (/^[A-Z]{2}$/.test(part)) area.states.add(part);
    else return null;
  }
  return area;
}

export type SmsProvider = {
  accountSid: string;
  authToken: string;
  messagingServiceSid?: string;
  from?: string;
  /** Alert calls' caller ID (TWILIO_VOICE_FROM, else TWILIO_FROM); unset: no calls are placed. */
  voiceFrom?: string;
  apiUrl?: string;
};
/** The WhatsApp sender and its approved alert templates (Content SIDs) per language. */
export type WhatsAppSettings = {
  /** E.164, without the "whatsapp:" prefix. */
  from: string;
  /** English's is required; a language without its own falls back to it. */
  templates: { en: string } & Partial<Record<Language, string>>;
};
export type EmailProvider = { smtpUrl: string; from: string };
export type PushProvider = { publicKey: string; privateKey: string; subject: string };
/** Operators' accounts, sightings, approvals and drills. */
export type OperatorSettings = {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  reporterCallbackRetentionHours: number;
  sightingDuplicateWindowMinutes: number;
  /** Live views (a sighting's events by SSE): streams one person or key may hold open at once. */
  liveStreamsPerUser: number;
  /** …and how long one stream lasts before it ends and the browser reconnects. */
  liveStreamSeconds: number;
  /** Minutes a draft may wait unopened by any approver before they are paged once more. */
  approverRepageMinutes: number;
  /** Who a drill reaches: subscribers by address (phones E.164, emails lower-cased) or by id. */
  drillAllowlist: DrillAllowlist;
  /** Whether a verifier may publish a cancel (false alarm, all clear) without a second person. */
  verifierMayCancelAlone: boolean;
  /**
   * Whether an alert labelled UNCONFIRMED may be drafted from a sighting responders were dispatched
   * to but nobody verified yet (issue 16, point 8). Off by default: some networks warn only once
   * someone has seen it.
   */
  unconfirmedAlerts: boolean;
  /** Times in alert templates are written in this zone. */
  timeZone: string;
  /** Header the client's IP comes from behind a trusted proxy; unset: the socket's address. */
  clientIpHeader?: string;
  /** Roles that must sign in with a second factor (TOTP); a user without one must enrol first. */
  totpRequiredRoles: readonly Role[];
};

const ALL_ROLES: readonly Role[] = ["operator", "verifier", "comms", "admin"];
/** Who must have a second factor when TOTP_REQUIRED_ROLES is unset in production: who can publish or administer. */
export const DEFAULT_TOTP_REQUIRED_ROLES: readonly Role[] = ["verifier", "comms", "admin"];

/** "verifier, comms" → the roles; "none" → none; null when an entry is not a role. */
export function parseRoles(value: string): Role[] | null {
  if (value.trim().toLowerCase() === "none") return [];
  const roles = value
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "");
  if (roles.length === 0 || roles.some((role) => !ALL_ROLES.includes(role as Role))) return null;
  return [...new Set(roles as Role[])];
}
export type DrillAllowlist = { phones: string[]; emails: string[]; subscriberIds: string[] };

/** "+15105550100, ops@example.org, <uuid>" → its parts; null when an entry is none of those. */
export function parseDrillAllowlist(value: string): DrillAllowlist | null {
  const list: DrillAllowlist = { phones: [], emails: [], subscriberIds: [] };
  for (const entry of value.split(",").map((part) => part.trim())) {
    if (entry === "") continue;
    if (/^\+[1-9][0-9]{7,14}$/.test(entry)) list.phones.push(entry);
    else if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(entry)) list.emails.push(entry.toLowerCase());
    else if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(entry))
      list.subscriberIds.push(entry.toLowerCase());
    else return null;
  }
  return list;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
/** How fan-out paces and routes messages. */
export type DeliverySettings = {
  /** SMS messages per second per worker process (token bucket). */
  smsRatePerSecond: number;
  /** Whether Community-priority alerts also go by SMS (by default email and push only). */
  communitySms: boolean;
  /** WhatsApp messages per second per worker process (token bucket). */
  whatsappRatePerSecond: number;
  /** Calls placed per second per worker process (token bucket; VOICE_CALLS_PER_SECOND). */
  voiceCallsPerSecond: number;
  /** Whether Advisory and Community alerts are also called out (by default only Alert priority). */
  voiceAllPriorities: boolean;
  /**
   * Push endpoints' allowed hosts (PUSH_ENDPOINT_HOSTS; src/security/push-endpoints.ts): checked at
   * sign-up and again before each send.
   */
  pushEndpointHosts: readonly string[];
};

/** What SMS replies say about the program (CTIA asks for name, frequency and a help contact). */
export type ProgramSettings = {
  name: string;
  /** Where people call to report or get help; unset only outside production. */
  hotline: string;
  /** The voice line connects callers to the hotline (<Dial>) rather than only saying its number. */
  hotlineDial: boolean;
  /** "How often messages come", per language; unset ones use the reply texts' default. */
  messageFrequency: Partial<Record<Language, string>>;
  /** The ZIP replies give as an example; unset: derived from the service area. */
  exampleZip?: string;
};
/** Text-a-ZIP: limits on what inbound SMS may cost and do. */
export type InboundSmsSettings = {
  maxZipsPerSubscriber: number;
  /** At most `limit` replies per number per `windowSeconds`; beyond it we process but stay silent. */
  perNumber: { limit: number; windowSeconds: number };
  /** At most this many replies per minute in all to supported numbers. */
  globalPerMinute: number;
  /** At most this many refusals per minute to numbers outside the supported countries (one per
   * number per window), on a budget of their own so that they never take residents' replies. */
  refusalsPerMinute: number;
  emailConfirmationTtlHours: number;
};

/** The public web pages: how to subscribe by text, and what alert pages link to. */
export type WebSettings = {
  /** The number (or short code) residents text their ZIP to, as pages show it; unset: not shown. */
  smsNumber?: string;
  /** Know-your-rights links per language; a language without its own list gets English's. */
  knowYourRights: Record<Language, Link[]>;
  /** Sign-ups (email and push) one IP address may make per hour. */
  signupsPerIpPerHour: number;
};

/** How long what need not be kept is kept (housekeeping; see docs/privacy.md). */
export type RetentionSettings = {
  /** A stopped subscriber is erased (address, ZIPs, consent, ledger links) by this many hours after STOP. */
  stoppedSubscriberErasureHours: number;
  /** Ledger rows lose their subscriber and provider message id this many days after they were written. */
  deliveryDetachDays: number;
  /** Inbound SMS records (MessageSid, sender's blind index, reply) are deleted after this many days. */
  inboundMessageDays: number;
  /**
   * A decided sighting (verified, unconfirmed, false alarm) loses its free text (place, cross
   * streets, description, verification notes) this many days after its last change.
   */
  sightingTextDays: number;
};

/** Said by HELP when PROGRAM_HOTLINE is unset outside production: a fictional 555-01xx number. */
export const PLACEHOLDER_HOTLINE = "(555) 010-0199";

export type Config = {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  logLevel: string;
  piiKeyring?: { id: string; key: Buffer }[];
  blindIndexKey?: Buffer;
  /** The blind-index key being rotated away from: looked up as well until `aviso keys rotate` is done. */
  previousBlindIndexKey?: Buffer;
  retention: RetentionSettings;
  /** POSTs that need no sign-in (forms, login, sign-ups), per client IP per minute, per process. */
  publicPostsPerIpPerMinute: number;
  serviceArea: ServiceArea;
  sms?: SmsProvider;
  email?: EmailProvider;
  push?: PushProvider;
  /**
   * Local mode without VAPID_*: the public key of the development pair in DATA_DIR
   * (src/security/development-push-keys.ts, set when the runtime starts), so browsers can sign up
   * and their alerts land in the outbox. Never set in production.
   */
  localPushKey?: string;
  /** WhatsApp through Twilio; unset: WhatsApp is not offered (local mode still simulates it). */
  whatsapp?: WhatsAppSettings;
  operators: OperatorSettings;
  /** Responders (issue 16): escalation on silence and the limit on invitation texts. */
  responders: { escalationMinutes: number; invitationsPerHour: number };
  delivery: DeliverySettings;
  program: ProgramSettings;
  inboundSms: InboundSmsSettings;
  web: WebSettings;
  /** True when at least one channel has no provider and goes to the local outbox instead. */
  localMode: boolean;
};

/** The VAPID public key browsers subscribe with: the configured one, else local mode's. */
export function pushPublicKey(config: Config): string | undefined {
  return config.push?.publicKey ?? config.localPushKey;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env, options: { databaseThroughHyperdrive?: boolean } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const sms = smsProvider(e, problems);
  const email = pairOrNothing(problems, ["SMTP_URL", e.SMTP_URL], ["MAIL_FROM", e.MAIL_FROM]);
  const push = tripleOrNothing(problems, e.VAPID_PUBLIC_KEY, e.VAPID_PRIVATE_KEY, e.VAPID_SUBJECT);
  const whatsapp = whatsappSettings(e, sms, problems);
  const localMode = !sms || !email || !push;

  if (e.NODE_ENV === "production") {
    const missing = [
      !sms && "SMS (TWILIO_*)",
      !email && "email (SMTP_URL, MAIL_FROM)",
      !push && "push (VAPID_*)",
    ];
    const named = missing.filter(Boolean);
    if (named.length > 0) {
      problems.push(
        `NODE_ENV: production refuses local mode, which would keep messages in a local outbox instead of sending them; configure ${named.join(", ")}`,
      );
    }
    if (!e.PII_ENCRYPTION_KEYS) problems.push("PII_ENCRYPTION_KEYS: required in production");
    if (!e.BLIND_INDEX_KEY) problems.push("BLIND_INDEX_KEY: required in production");
    if (!e.PUBLIC_URL)
      problems.push("PUBLIC_URL: required in production (webhook signatures are checked against it)");
    if (!e.PROGRAM_HOTLINE) problems.push("PROGRAM_HOTLINE: required in production (HELP replies give it)");
    problems.push(
      ...productionProblems(e, {
        keyring: e.PII_ENCRYPTION_KEYS ? parseKeyring(e.PII_ENCRYPTION_KEYS) : null,
        blindIndexKey: e.BLIND_INDEX_KEY ? Buffer.from(e.BLIND_INDEX_KEY, "base64") : undefined,
        databaseThroughHyperdrive: options.databaseThroughHyperdrive,
      }),
    );
  }
  if (
    e.BLIND_INDEX_KEY_PREVIOUS &&
    (!e.BLIND_INDEX_KEY || e.BLIND_INDEX_KEY_PREVIOUS === e.BLIND_INDEX_KEY)
  ) {
    problems.push("BLIND_INDEX_KEY_PREVIOUS: only with a different BLIND_INDEX_KEY (the new key)");
  }
  if (e.PROGRAM_HOTLINE_DIAL && !(e.PROGRAM_HOTLINE && normalizeUsPhone(e.PROGRAM_HOTLINE))) {
    problems.push(
      "PROGRAM_HOTLINE_DIAL: needs PROGRAM_HOTLINE to be a US phone number the voice line can dial",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    piiKeyring: e.PII_ENCRYPTION_KEYS ? (parseKeyring(e.PII_ENCRYPTION_KEYS) ?? undefined) : undefined,
    blindIndexKey: e.BLIND_INDEX_KEY ? Buffer.from(e.BLIND_INDEX_KEY, "base64") : undefined,
    previousBlindIndexKey: e.BLIND_INDEX_KEY_PREVIOUS
      ? Buffer.from(e.BLIND_INDEX_KEY_PREVIOUS, "base64")
      : undefined,
    retention: {
      stoppedSubscriberErasureHours: e.STOPPED_SUBSCRIBER_ERASURE_HOURS,
      deliveryDetachDays: e.DELIVERY_DETACH_DAYS,
      inboundMessageDays: e.INBOUND_MESSAGE_RETENTION_DAYS,
      sightingTextDays: e.SIGHTING_TEXT_RETENTION_DAYS,
    },
    publicPostsPerIpPerMinute: e.PUBLIC_POSTS_PER_IP_PER_MINUTE,
    serviceArea: parseServiceArea(e.SERVICE_AREA)!,
    sms,
    email: email ? { smtpUrl: email[0], from: email[1] } : undefined,
    push: push ? { publicKey: push[0], privateKey: push[1], subject: push[2] } : undefined,
    whatsapp,
    operators: {
      sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
      sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
      reporterCallbackRetentionHours: e.REPORTER_CALLBACK_RETENTION_HOURS,
      sightingDuplicateWindowMinutes: e.SIGHTING_DUPLICATE_WINDOW_MINUTES,
      liveStreamsPerUser: e.LIVE_STREAMS_PER_USER,
      liveStreamSeconds: e.LIVE_STREAM_SECONDS,
      approverRepageMinutes: e.APPROVER_REPAGE_MINUTES,
      drillAllowlist: parseDrillAllowlist(e.DRILL_ALLOWLIST)!,
      verifierMayCancelAlone: e.VERIFIER_MAY_CANCEL_ALONE,
      unconfirmedAlerts: e.UNCONFIRMED_ALERTS,
      timeZone: e.ALERT_TIME_ZONE,
      clientIpHeader: e.CLIENT_IP_HEADER,
      totpRequiredRoles: e.TOTP_REQUIRED_ROLES
        ? parseRoles(e.TOTP_REQUIRED_ROLES)!
        : e.NODE_ENV === "production"
          ? DEFAULT_TOTP_REQUIRED_ROLES
          : [],
    },
    responders: {
      escalationMinutes: e.RESPONDER_ESCALATION_MINUTES,
      invitationsPerHour: e.RESPONDER_INVITATIONS_PER_HOUR,
    },
    delivery: {
      smsRatePerSecond: e.SMS_RATE_PER_SECOND,
      communitySms: e.COMMUNITY_SMS,
      whatsappRatePerSecond: e.WHATSAPP_RATE_PER_SECOND,
      voiceCallsPerSecond: e.VOICE_CALLS_PER_SECOND,
      voiceAllPriorities: e.VOICE_ALL_PRIORITIES,
      pushEndpointHosts: e.PUSH_ENDPOINT_HOSTS
        ? parsePushEndpointHosts(e.PUSH_ENDPOINT_HOSTS)!
        : DEFAULT_PUSH_ENDPOINT_HOSTS,
    },
    program: {
      name: e.PROGRAM_NAME,
      hotline: e.PROGRAM_HOTLINE ?? PLACEHOLDER_HOTLINE,
      hotlineDial: e.PROGRAM_HOTLINE_DIAL,
      messageFrequency: dropUndefined({
        en: e.PROGRAM_MESSAGE_FREQUENCY,
        es: e.PROGRAM_MESSAGE_FREQUENCY_ES,
        zh: e.PROGRAM_MESSAGE_FREQUENCY_ZH,
        vi: e.PROGRAM_MESSAGE_FREQUENCY_VI,
      }),
      exampleZip: e.PROGRAM_EXAMPLE_ZIP,
    },
    inboundSms: {
      maxZipsPerSubscriber: e.SMS_MAX_ZIPS_PER_SUBSCRIBER,
      perNumber: { limit: e.SMS_REPLY_LIMIT_PER_NUMBER, windowSeconds: e.SMS_REPLY_LIMIT_WINDOW_SECONDS },
      globalPerMinute: e.SMS_REPLY_LIMIT_PER_MINUTE,
      refusalsPerMinute: e.SMS_REFUSAL_LIMIT_PER_MINUTE,
      emailConfirmationTtlHours: e.EMAIL_CONFIRMATION_TTL_HOURS,
    },
    web: {
      smsNumber: e.PROGRAM_SMS_NUMBER ?? e.TWILIO_FROM,
      knowYourRights: knowYourRightsLinks(e),
      signupsPerIpPerHour: e.WEB_SIGNUPS_PER_IP_PER_HOUR,
    },
    localMode,
  };
}

function knowYourRightsLinks(e: ParsedEnv): Record<Language, Link[]> {
  const list = (value: string | undefined) => (value ? (parseLinkList(value) ?? []) : undefined);
  const en = list(e.KNOW_YOUR_RIGHTS_LINKS) ?? [];
  return {
    en,
    es: list(e.KNOW_YOUR_RIGHTS_LINKS_ES) ?? en,
    zh: list(e.KNOW_YOUR_RIGHTS_LINKS_ZH) ?? en,
    vi: list(e.KNOW_YOUR_RIGHTS_LINKS_VI) ?? en,
  };
}

type ParsedEnv = z.infer<typeof envSchema>;

function dropUndefined<T>(record: Record<Language, T | undefined>): Partial<Record<Language, T>> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function smsProvider(e: ParsedEnv, problems: string[]): SmsProvider | undefined {
  const anySet =
    e.TWILIO_ACCOUNT_SID || e.TWILIO_AUTH_TOKEN || e.TWILIO_MESSAGING_SERVICE_SID || e.TWILIO_FROM;
  if (!anySet) return undefined;
  if (!e.TWILIO_ACCOUNT_SID) problems.push("TWILIO_ACCOUNT_SID: required when any TWILIO_* is set");
  if (!e.TWILIO_AUTH_TOKEN) problems.push("TWILIO_AUTH_TOKEN: required when any TWILIO_* is set");
  if (!e.TWILIO_MESSAGING_SERVICE_SID && !e.TWILIO_FROM) {
    problems.push("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM: one is required to send SMS");
  }
  if (!e.TWILIO_ACCOUNT_SID || !e.TWILIO_AUTH_TOKEN) return undefined;
  return {
    accountSid: e.TWILIO_ACCOUNT_SID,
    authToken: e.TWILIO_AUTH_TOKEN,
    messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
    from: e.TWILIO_FROM,
    voiceFrom: e.TWILIO_VOICE_FROM ?? e.TWILIO_FROM,
    apiUrl: e.TWILIO_API_URL,
  };
}

function whatsappSettings(
  e: ParsedEnv,
  sms: SmsProvider | undefined,
  problems: string[],
): WhatsAppSettings | undefined {
  const templates = dropUndefined({
    en: e.WHATSAPP_ALERT_TEMPLATE_EN,
    es: e.WHATSAPP_ALERT_TEMPLATE_ES,
    zh: e.WHATSAPP_ALERT_TEMPLATE_ZH,
    vi: e.WHATSAPP_ALERT_TEMPLATE_VI,
  });
  if (!e.TWILIO_WHATSAPP_FROM) {
    if (Object.keys(templates).length > 0) {
      problems.push("WHATSAPP_ALERT_TEMPLATE_*: only with TWILIO_WHATSAPP_FROM (the sender they belong to)");
    }
    return undefined;
  }
  if (!sms)
    problems.push("TWILIO_WHATSAPP_FROM: needs the Twilio account (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)");
  // Alerts mostly go outside WhatsApp's 24-hour window, where only an approved template may be sent.
  if (!templates.en) problems.push("WHATSAPP_ALERT_TEMPLATE_EN: required with TWILIO_WHATSAPP_FROM");
  if (!sms || !templates.en) return undefined;
  return {
    from: e.TWILIO_WHATSAPP_FROM.replace(/^whatsapp:/, ""),
    templates: { ...templates, en: templates.en },
  };
}

function pairOrNothing(
  problems: string[],
  a: [string, string | undefined],
  b: [string, string | undefined],
): [string, string] | undefined {
  if (a[1] && b[1]) return [a[1], b[1]];
  if (a[1] || b[1]) problems.push(`${a[1] ? b[0] : a[0]}: required when ${a[1] ? a[0] : b[0]} is set`);
  return undefined;
}

function tripleOrNothing(
  problems: string[],
  publicKey?: string,
  privateKey?: string,
  subject?: string,
): [string, string, string] | undefined {
  if (publicKey && privateKey && subject) return [publicKey, privateKey, subject];
  if (publicKey || privateKey || subject) {
    problems.push("VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: set all three or none");
  }
  return undefined;
}
