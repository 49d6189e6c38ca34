/** Every queue Aviso uses, created at start-up with its retry and retention policy. */
import type { PgBoss, Queue } from "pg-boss";

export const QUEUES = {
  housekeeping: "housekeeping",
  deliverSms: "deliver-sms",
  deliverEmail: "deliver-email",
  deliverPush: "deliver-push",
  deliverWhatsapp: "deliver-whatsapp",
  deliverVoice: "deliver-voice",
  deliveriesSweep: "deliveries-sweep",
  ledgerSecondWave: "ledger-second-wave",
  emailConfirmation: "email-confirmation",
  callConfirmationText: "call-confirmation-text",
  responderEscalation: "responder-escalation",
  pageApprovers: "page-approvers",
} as const;

/** One delivery queue per channel, so a slow channel (SMS at its provider's rate) never holds up the others. */
export const DELIVERY_QUEUES = {
  sms: QUEUES.deliverSms,
  email: QUEUES.deliverEmail,
  push: QUEUES.deliverPush,
  whatsapp: QUEUES.deliverWhatsapp,
  voice: QUEUES.deliverVoice,
} as const;

// A delivery job is a batch of ledger rows. A throw retries it with backoff (provider 429s and
// outages); only rows still queued are sent again. heartbeatSeconds: a worker killed mid-batch
// stops beating and its job is retried within ~30 s (heartbeat + supervise interval, see boss.ts)
// instead of waiting out expireInSeconds, which is long because an SMS batch at a long code's
// 1 message/second takes minutes.
const DELIVERY_POLICY: Omit<Queue, "name"> = {
  retryLimit: 12,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 60,
  heartbeatSeconds: 10,
  expireInSeconds: 4 * 3600,
  notify: true,
};

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const POLICIES: Record<QueueName, Omit<Queue, "name">> = {
  housekeeping: { retryLimit: 3, retryBackoff: true, expireInSeconds: 300, notify: true },
  "deliver-sms": DELIVERY_POLICY,
  "deliver-email": DELIVERY_POLICY,
  "deliver-push": DELIVERY_POLICY,
  "deliver-whatsapp": DELIVERY_POLICY,
  "deliver-voice": DELIVERY_POLICY,
  "deliveries-sweep": { retryLimit: 1, expireInSeconds: 300 },
  // The rest of a large alert's ledger, after its first wave went out (src/services/alerts/
  // complete-ledger.ts); payload { alertId }. Retried like a delivery job: the sweep finishes a
  // ledger this queue gave up on.
  "ledger-second-wave": {
    retryLimit: 12,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
    expireInSeconds: 900,
    notify: true,
  },
  // The double opt-in mail for an address texted to us; payload { confirmationId }, never the address.
  "email-confirmation": {
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 300,
    notify: true,
  },
  // The confirmation text of a change made by phone call; payload { claim } (the inbound record),
  // never the number (src/services/voice/call-subscriptions.ts).
  "call-confirmation-text": {
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 300,
    notify: true,
  },
  // The next ring of responders when nobody answered Y in time; payload { sightingId } only, sent
  // with startAfter = RESPONDER_ESCALATION_MINUTES (src/services/responders/escalate-responders.ts).
  "responder-escalation": { retryLimit: 3, retryDelay: 5, expireInSeconds: 300, notify: true },
  // Paging the approvers of a draft (src/services/paging/); payload { alertId, round }, never an
  // address. Claims on approval_pages make a retried or doubled job page nobody twice.
  "page-approvers": {
    retryLimit: 3,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 300,
    notify: true,
  },
};

export async function ensureQueues(boss: PgBoss): Promise<void> {
  for (const [name, options] of Object.entries(POLICIES)) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
  }
}
