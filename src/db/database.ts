/**
 * The typed shape of Aviso's database, one interface per table (see migrations/ for the DDL).
 *
 * Glossary
 * - subscriber: one address on one channel (a phone for sms, a mailbox for email, a browser's push
 *   subscription for push). The address is never stored in clear: `address_ciphertext` is
 *   AES-256-GCM under the key named by `address_key_id`; `address_index` is an HMAC blind index
 *   that lets us find a subscriber by address without being able to read it.
 * - subscription: a subscriber following one ZIP code.
 * - alert: what operators publish; its texts live in alert_texts, one row per language.
 * - delivery: the ledger, one row per (alert, subscriber, channel); "nothing lost, nothing doubled"
 *   is checked against it. Final states: sent, delivered, undelivered, failed (last_error says
 *   why), skipped (last_error "expired", "opted_out" or "alert_<status>").
 * - an alert's own ZIP: the first of its target_zips (the sighting's ZIP); its subscribers are
 *   delivered to first.
 * - outbox: in local mode, messages that would have gone to a provider.
 * - user: a staff member of a sending organisation (the hotline, the city) with one role:
 *   operator, verifier, comms or admin. session / api key: how a user or an integration proves
 *   who it is; only SHA-256 hashes of their tokens are stored (2026-11-24T0300-operators, as are
 *   the tables below).
 * - sighting: what a caller reported. Duplicates cluster into an incident: `incident_id` names
 *   the incident's first sighting. The reporter's callback number is sealed and purged.
 * - actor: who did something, as the audit log names them: "user:<id>", "key:<id>" or "system".
 * - consent event: an opt-in or opt-out of one subscriber, with channel, command and time; never
 *   the address or the message (2026-11-24T0100-text-a-zip, as are the three below).
 * - inbound message: one texted message by its Twilio MessageSid, for idempotency: the sender's
 *   blind index, the parsed command and the reply given; never the body. Purged after 7 days.
 * - email confirmation: a pending email double opt-in; only the token's SHA-256 is stored.
 * - confirmation mailbox: when a confirmation mail last went to a mailbox (by blind index of the
 *   mailbox, src/security/email-address.ts), so each gets one per ten minutes at most.
 * - phone simulator message: local mode's /dev/phone transcript (fictional numbers only).
 * - login attempt: one password or second-factor code checked, by blind indexes of the account and
 *   the client network; totp factor: a user's sealed TOTP secret; recovery code: the hash of a
 *   one-time code that stands in for a TOTP code (2026-12-05T0200-login-guessing-and-totp).
 */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type { Language } from "../i18n/languages.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type Channel = "sms" | "email" | "push" | "whatsapp" | "voice";
/** How an alert call ended (Twilio's CallStatus; 2026-12-05T1100-voice-channel). */
export type CallStatus = "completed" | "no-answer" | "busy" | "failed";
/** The channels a resident texts us on (text-a-ZIP): same keywords, same webhook. */
export type TextChannel = "sms" | "whatsapp";
export type SubscriberStatus = "pending" | "active" | "stopped";
export type AlertKind = "sighting" | "statement" | "update" | "cancel";
export type AlertPriority = "alert" | "advisory" | "community";
export type SightingLabel = "unconfirmed" | "verified";
export type AlertStatus = "draft" | "approved" | "published" | "expired" | "cancelled";
export type DeliveryStatus =
  | "queued"
  | "sending"
  | "sent"
  | "delivered"
  | "undelivered"
  | "failed"
  | "skipped";

export interface ZipCodesTable {
  zip: string;
  city: string;
  state: string;
  latitude: number;
  longitude: number;
}

export interface SubscribersTable {
  id: Generated<string>;
  channel: Channel;
  address_ciphertext: Buffer;
  address_key_id: string;
  address_index: Buffer;
  language: Language;
  status: SubscriberStatus;
  created_at: CreatedAt;
  updated_at: Timestamp;
  stopped_at: Timestamp | null;
  /** WhatsApp only: when they last wrote to us (the 24-hour free-form window; 2026-12-05T1000-whatsapp). */
  last_inbound_at: Timestamp | null;
}

export interface SubscriptionsTable {
  subscriber_id: string;
  zip: string;
  created_at: CreatedAt;
}

export interface AlertsTable {
  id: Generated<string>;
  kind: AlertKind;
  priority: AlertPriority;
  status: Generated<AlertStatus>;
  target_zips: string[];
  is_drill: Generated<boolean>;
  sender_org: string;
  author_id: string | null;
  approver_id: string | null;
  references_alert_id: string | null;
  expires_at: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
  published_at: Timestamp | null;
  /** The sighting a sighting alert was drafted from (2026-11-24T0300-operators, as below). */
  sighting_id: string | null;
  /** Channels chosen when drafting; follow-ups go on the channels of what they follow. */
  channels: ColumnType<Channel[], Channel[] | undefined, Channel[]>;
  /** For a cancel: whether the activity ended or the report was false. */
  cancel_reason: "all_clear" | "false_alarm" | null;
  /** A statement's link (also written into its texts). */
  link: string | null;
  /**
   * UNCONFIRMED on a sighting alert from a dispatched, unverified sighting; VERIFIED on the update
   * that follows one once the sighting is verified (2026-12-05T1240-unconfirmed-alerts).
   */
  sighting_label: ColumnType<SightingLabel | null, SightingLabel | null | undefined, SightingLabel | null>;
  /** Everyone besides the author who changed the draft: none of them may approve it. */
  editor_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** The preview hash the approver quoted; cleared by any edit. */
  approval_hash: string | null;
  approved_at: Timestamp | null;
  /**
   * The drafting organisation (2026-12-05T0500-organisation-scope): its staff alone see and act on
   * the alert until it is published. NULL for alerts made outside the operator services.
   */
  organisation_id: ColumnType<string | null, string | null | undefined, never>;
  /** First and last hand-off to a provider, widened once per delivery job (2026-12-05T1250-alert-timeline). */
  first_handoff_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_handoff_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** A large alert's ledger is written in two waves (2026-12-05T1510-ledger-waves): the first's last id. */
  ledger_first_wave_last_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** True while the second wave of the ledger is still to be written. */
  ledger_pending: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface AlertTextsTable {
  alert_id: string;
  language: Language;
  headline: string;
  body: string;
  sms_text: string;
}

export interface DeliveriesTable {
  id: Generated<string>;
  alert_id: string;
  subscriber_id: string | null;
  channel: Channel;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  provider_id: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  sent_at: Timestamp | null;
  /** The ZIP through which the subscriber is in the target (2026-11-24T0200-fanout). */
  zip: string | null;
  /** The job attempt holding the row while it is `sending` ("<job id>:<retry count>"). */
  claim: string | null;
  claimed_at: Timestamp | null;
  /** Sent again after an attempt whose outcome is unknown: the resident may have two copies. */
  possible_duplicate: Generated<boolean>;
  /** WhatsApp's `read` status callback (2026-12-05T1000-whatsapp). */
  read_at: Timestamp | null;
  /** Voice: how the call ended (2026-12-05T1100-voice-channel). */
  call_status: CallStatus | null;
  /** Voice: the one retry after no-answer or busy is placed not before this. */
  voice_retry_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: CreatedAt;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  /** Whose entry it is; a trigger fills it from the actor or the object. NULL: service-wide. */
  organisation_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface OutboxTable {
  id: Generated<string>;
  channel: Channel;
  subscriber_id: string | null;
  recipient_ciphertext: Buffer;
  recipient_key_id: string;
  recipient_index: Buffer;
  subject: string | null;
  body: string;
  created_at: CreatedAt;
}

export type ConsentKind = "opt_in" | "opt_out";

export interface ConsentEventsTable {
  id: Generated<string>;
  subscriber_id: string;
  kind: ConsentKind;
  channel: Channel;
  /** The command that caused it (`subscribe`, `stop_all`, `start`, `email_confirm`…), never the text. */
  keyword: string;
  language: Language;
  at: CreatedAt;
}

export interface InboundMessagesTable {
  message_sid: string;
  sender_index: Buffer;
  command: string;
  /** The messages we answered with, in order; empty when we answered nothing. */
  reply: ColumnType<string[], string[] | undefined, string[]>;
  /** The language the message was written in or asked for; null when it gave no sign. */
  language: ColumnType<Language | null, Language | null | undefined, Language | null>;
  received_at: CreatedAt;
}

export interface EmailConfirmationsTable {
  id: Generated<string>;
  subscriber_id: string;
  token_hash: Buffer;
  zips: string[];
  language: Language;
  created_at: CreatedAt;
  expires_at: Timestamp;
  confirmed_at: Timestamp | null;
}

export interface SmsRateCountersTable {
  key: Buffer;
  window_start: Timestamp;
  count: number;
}

export interface ConfirmationMailboxesTable {
  mailbox_index: Buffer;
  mailed_at: Timestamp;
}

export interface PhoneSimulatorMessagesTable {
  id: Generated<string>;
  number_index: Buffer;
  direction: "to_aviso" | "from_aviso";
  body: string;
  created_at: CreatedAt;
}

export type Role = "operator" | "verifier" | "comms" | "admin";
export type SightingStatus = "reported" | "dispatched" | "verified" | "unconfirmed" | "false_alarm";
export type SightingAgency = "ice" | "cbp" | "unknown" | "other";
export type SightingActivity =
  | "sweep"
  | "targeted_arrest"
  | "checkpoint"
  | "traffic_stop"
  | "workplace"
  | "other";
export type SightingSource = "hotline_call" | "text" | "responder";
export type VerificationMethod = "responder_on_scene" | "photo" | "independent_reports" | "other";

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  organisation_id: string;
  password_hash: string;
  disabled_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: Buffer;
  user_id: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
  /** `password`: the password was right and the second factor is still owed; opens nothing else. */
  stage: Generated<"password" | "full">;
}

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  prefix: string;
  key_hash: Buffer;
  role: Exclude<Role, "admin">;
  organisation_id: string;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginAttemptsTable {
  id: Generated<string>;
  at: Timestamp;
  account_key: Buffer;
  /** The client network's blind index (an IPv4 address, or an IPv6 /64). */
  client_key: Buffer;
  /** `pending` while being checked (counted as a failure), `first_factor`: password right, code owed. */
  outcome: "pending" | "failed" | "succeeded" | "first_factor";
}

export interface TotpFactorsTable {
  id: Generated<string>;
  user_id: string;
  /** The TOTP secret, sealed under the purpose totpSecretPurpose(user_id). */
  secret_ciphertext: Buffer;
  secret_key_id: string;
  created_at: Timestamp;
  /** NULL until the user confirms it with a code; then it is the one sign-in asks for. */
  confirmed_at: Timestamp | null;
  /** The last time step a code was accepted for (int8, so a string): no code is used twice. */
  last_used_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
}

export interface RecoveryCodesTable {
  id: Generated<string>;
  user_id: string;
  /** SHA-256 of the user id and the code; the code itself is shown once. */
  code_hash: Buffer;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface SightingsTable {
  id: Generated<string>;
  status: Generated<SightingStatus>;
  zip: string;
  /** NULL only once the free text was erased (text_erased_at). */
  place: string | null;
  cross_streets: string | null;
  observed_at: Timestamp;
  agency: SightingAgency;
  activity: SightingActivity;
  vehicles: number | null;
  agents: number | null;
  description: string | null;
  source: SightingSource;
  reporter_callback_ciphertext: Buffer | null;
  reporter_callback_key_id: string | null;
  reporter_callback_purge_after: Timestamp | null;
  reporter_callback_purged_at: Timestamp | null;
  /** When the free text (place, cross streets, description, verification notes) was erased. */
  text_erased_at: Timestamp | null;
  incident_id: string | null;
  organisation_id: string;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** When a verifier last decided it (2026-12-05T1250-alert-timeline). */
  decided_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface SightingVerificationsTable {
  id: Generated<string>;
  sighting_id: string;
  actor: string;
  method: VerificationMethod;
  notes: string | null;
  created_at: CreatedAt;
}

export type ResponderStatus = "invited" | "active" | "stopped";
export type ResponderAnswer = "yes" | "no" | "confirm" | "nothing" | "gone";

/** A volunteer on an organisation's roster (2026-12-05T1010-responders, as are the three below). */
export interface RespondersTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  /** Sealed and indexed like a resident's SMS address (src/security/addresses.ts, channel sms). */
  phone_ciphertext: Buffer;
  phone_key_id: string;
  phone_index: Buffer;
  languages: Language[];
  zips: ColumnType<string[], string[] | undefined, string[]>;
  home_zip: string | null;
  radius_miles: number | null;
  on_duty: Generated<boolean>;
  status: Generated<ResponderStatus>;
  consented_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ResponderConsentEventsTable {
  id: Generated<string>;
  responder_id: string;
  kind: ConsentKind;
  keyword: string;
  at: CreatedAt;
}

export interface ResponderRequestsTable {
  id: Generated<string>;
  sighting_id: string;
  responder_id: string | null;
  organisation_id: string;
  case_code: string;
  language: Language;
  distance_miles: number;
  send_status: Generated<"queued" | "sent" | "failed">;
  provider_id: string | null;
  last_error: string | null;
  created_by: string;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
}

export interface ResponderRingsTable {
  id: Generated<string>;
  sighting_id: string;
  /** A staff id, or `system` for an escalation. */
  created_by: string;
  escalated: Generated<boolean>;
  requested: number;
  asked: number;
  exhausted: Generated<boolean>;
  /** An escalation's wait (RESPONDER_ESCALATION_MINUTES when it went); null for staff's rings. */
  after_minutes: number | null;
  created_at: CreatedAt;
}

export interface ResponderInvitationsTable {
  id: Generated<string>;
  organisation_id: string;
  at: CreatedAt;
}

export interface ResponderAnswersTable {
  id: Generated<string>;
  request_id: string;
  sighting_id: string;
  answer: ResponderAnswer;
  /** A CONFIRM's words; erased with the sighting's free text. */
  notes: string | null;
  created_at: CreatedAt;
}

/** A staff browser's push subscription for approval pages (2026-12-05T1230-approver-paging, as are the two below). */
export interface PagerPushSubscriptionsTable {
  id: Generated<string>;
  user_id: string;
  /** Sealed and indexed under purpose staff-pager:push (src/services/paging/pager-addresses.ts). */
  address_ciphertext: Buffer;
  address_key_id: string;
  address_index: Buffer;
  created_at: CreatedAt;
}

/** A staff member's own number for SMS pages: used only once verified_at is set. */
export interface PagerPhonesTable {
  user_id: string;
  phone_ciphertext: Buffer;
  phone_key_id: string;
  phone_index: Buffer;
  verified_at: Timestamp | null;
  code_hash: Buffer | null;
  code_expires_at: Timestamp | null;
  code_attempts: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A draft waiting for approval: when it was paged, re-paged and first opened by an approver. */
export interface ApprovalPagesTable {
  alert_id: string;
  pending_since: Timestamp;
  paged_at: Timestamp | null;
  repaged_at: Timestamp | null;
  opened_at: Timestamp | null;
  opened_by: string | null;
}

export interface Database {
  zip_codes: ZipCodesTable;
  subscribers: SubscribersTable;
  subscriptions: SubscriptionsTable;
  alerts: AlertsTable;
  alert_texts: AlertTextsTable;
  deliveries: DeliveriesTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  login_attempts: LoginAttemptsTable;
  totp_factors: TotpFactorsTable;
  recovery_codes: RecoveryCodesTable;
  sightings: SightingsTable;
  sighting_verifications: SightingVerificationsTable;
  consent_events: ConsentEventsTable;
  inbound_messages: InboundMessagesTable;
  email_confirmations: EmailConfirmationsTable;
  sms_rate_counters: SmsRateCountersTable;
  confirmation_mailboxes: ConfirmationMailboxesTable;
  phone_simulator_messages: PhoneSimulatorMessagesTable;
  responders: RespondersTable;
  responder_consent_events: ResponderConsentEventsTable;
  responder_requests: ResponderRequestsTable;
  responder_answers: ResponderAnswersTable;
  responder_rings: ResponderRingsTable;
  responder_invitations: ResponderInvitationsTable;
  pager_push_subscriptions: PagerPushSubscriptionsTable;
  pager_phones: PagerPhonesTable;
  approval_pages: ApprovalPagesTable;
}

export type Subscriber = Selectable<SubscribersTable>;
export type NewSubscriber = Insertable<SubscribersTable>;
export type OutboxMessage = Selectable<OutboxTable>;
