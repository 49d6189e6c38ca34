/**
 * Web push (RFC 8030) with web-push: the payload is encrypted for each browser (RFC 8291), and the
 * push service is told who we are with a VAPID JWT (RFC 8292). web-push signs a new JWT for every
 * message by default; an ES256 signature per message is wasted work, so a JWT is signed once per
 * push-service origin and reused until an hour before it expires.
 *
 * Answers: 404/410 mean the browser unsubscribed (the subscriber is stopped); 429 and 5xx are
 * retried, honouring Retry-After. Error texts never contain the endpoint (it identifies a browser).
 */
import type { Agent } from "node:https";
import webpush from "web-push";
import type { PushProvider } from "../config.ts";
import { type OutboundMessage, SendError, type Sender } from "./sender.ts";

export type WebPushSenderOptions = {
  /** An https.Agent (keep-alive; tests pass one trusting the loopback peer's certificate). */
  agent?: Agent;
  timeoutMs?: number;
  /** false: let web-push sign a JWT per message (the naive way; the benchmark compares). */
  reuseVapid?: boolean;
};

export function createWebPushSender(provider: PushProvider, options: WebPushSenderOptions = {}): Sender {
  const vapid = createVapidSigner(provider);
  const reuse = options.reuseVapid ?? true;
  return {
    channel: "push",
    mode: "provider",
    async send(message: OutboundMessage) {
      const subscription = parseSubscription(message.to);
      const signing = reuse
        ? { headers: { Authorization: vapid.authorization(new URL(subscription.endpoint).origin) } }
        : { vapidDetails: provider };
      try {
        const response = await webpush.sendNotification(subscription, message.text, {
          ...signing,
          TTL: Math.max(0, Math.floor(message.ttlSeconds ?? 3600)),
          urgency: message.urgency ?? "normal",
          timeout: options.timeoutMs ?? 15_000,
          ...(options.agent ? { agent: options.agent } : {}),
        });
        const location = response.headers.location;
        return { providerId: typeof location === "string" ? location.slice(-120) : undefined };
      } catch (error) {
        throw webPushSendError(error);
      }
    },
  };
}

/** VAPID JWTs per push-service origin (the JWT's `aud`), reused until near expiry. */
export function createVapidSigner(
  provider: PushProvider,
  options: { lifetimeSeconds?: number; renewBeforeSeconds?: number; now?: () => number } = {},
) {
  const lifetime = options.lifetimeSeconds ?? 12 * 3600; // RFC 8292 allows at most 24 h
  const renewBefore = options.renewBeforeSeconds ?? 3600;
  const now = options.now ?? (() => Date.now() / 1000);
  const cache = new Map<string, { authorization: string; expiresAt: number }>();
  let signed = 0;
  return {
    authorization(origin: string): string {
      const t = Math.floor(now());
      const hit = cache.get(origin);
      if (hit && hit.expiresAt - t > renewBefore) return hit.authorization;
      const expiresAt = t + lifetime;
      const headers = webpush.getVapidHeaders(
        origin,
        provider.subject,
        provider.publicKey,
        provider.privateKey,
        "aes128gcm",
        expiresAt,
      );
      signed += 1;
      cache.set(origin, { authorization: headers.Authorization, expiresAt });
      return headers.Authorization;
    },
    /** JWTs signed so far. */
    get signed() {
      return signed;
    },
  };
}

type Subscription = { endpoint: string; keys: { p256dh: string; auth: string } };

function parseSubscription(json: string): Subscription {
  try {
    const value = JSON.parse(json) as Partial<Subscription>;
    if (
      typeof value.endpoint === "string" &&
      new URL(value.endpoint).protocol === "https:" &&
      typeof value.keys?.p256dh === "string" &&
      typeof value.keys.auth === "string"
    ) {
      return { endpoint: value.endpoint, keys: { p256dh: value.keys.p256dh, auth: value.keys.auth } };
    }
  } catch {
    // fall through
  }
  throw new SendError("permanent", "push invalid", "push invalid: not a usable push subscription", {
    addressDead: true,
  });
}

export function webPushSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  if (error instanceof webpush.WebPushError) {
    const status = error.statusCode;
    const label = `push ${status}`;
    if (status === 404 || status === 410) {
      return new SendError("permanent", label, `${label}: subscription gone`, { addressDead: true });
    }
    if (status === 429 || status >= 500) {
      return new SendError(
        "retry",
        label,
        `${label}: ${status === 429 ? "rate limited" : "push service error"}`,
        {
          retryAfterMs: retryAfterMs(error.headers["retry-after"]),
        },
      );
    }
    return new SendError("permanent", label, `${label}: rejected`);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" && !(error instanceof Error && /timeout/i.test(error.message))) {
    // web-push refuses before sending anything: keys of the wrong length, a malformed endpoint.
    return new SendError("permanent", "push invalid", "push invalid: not a usable push subscription", {
      addressDead: true,
    });
  }
  const name = typeof code === "string" ? code : "ETIMEDOUT";
  const ambiguous = !["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"].includes(name);
  return new SendError("retry", `push ${name}`, `push ${name}: no answer from the push service`, {
    ambiguous,
  });
}

function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== "string") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
