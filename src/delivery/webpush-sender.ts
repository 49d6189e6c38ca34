/**
 * Web push (RFC 8030) with web-push: the payload is encrypted for each browser (RFC 8291), and the
 * push service is told who we are with a VAPID JWT (RFC 8292). web-push signs a new JWT for every
 * message by default; an ES256 signature per message is wasted work, so a JWT is signed once per
 * push-service origin and reused until an hour before it expires.
 *
 * One URL: the endpoint is checked against PUSH_ENDPOINT_HOSTS here, by the same parse that yields
 * the URL object the request is made to (undici), so no second parser can read another host out
 * of it (web-push's sendNotification re-parses with the legacy url.parse; only its
 * generateRequestDetails is used, for the encrypted body and headers). Redirects are not followed:
 * a 3xx is an answer like any other, and nothing is sent where it points.
 *
 * Answers: 404/410 mean the browser unsubscribed (the subscriber is stopped); 429 and 5xx are
 * retried, honouring Retry-After. Error texts never contain the endpoint (it identifies a browser).
 */
import type { IncomingHttpHeaders } from "node:http";
import { Agent, request } from "undici";
import webpush from "web-push";
import type { PushProvider } from "../config.ts";
import { allowedPushEndpoint } from "../security/push-endpoints.ts";
import { withDeadline } from "./deadline.ts";
import { neverReached, type OutboundMessage, SendError, type Sender } from "./sender.ts";

export type WebPushSenderOptions = {
  /** PUSH_ENDPOINT_HOSTS: the hosts this sender may request (src/security/push-endpoints.ts). */
  hosts: readonly string[];
  /** The connection pool; createPushAgent() when not given (tests pass one trusting their peer). */
  agent?: Agent;
  timeoutMs?: number;
  /** false: sign a JWT per message (the naive way; the benchmark compares). */
  reuseVapid?: boolean;
};

/**
 * Connections per push service. The delivery loop has hundreds of pushes in flight; with no bound
 * a pool opens a TLS connection for each (a handshake each, on both sides). A few dozen keep-alive
 * connections carry them all.
 */
export const PUSH_SOCKETS_PER_ORIGIN = 64;

/**
 * The sender's connection pool: undici (the Node.js project's HTTP client, the one under Node's
 * fetch), keep-alive, PUSH_SOCKETS_PER_ORIGIN an origin; `ca` trusts a test peer. The connect
 * timeout covers the TCP and TLS handshakes; the sender's own timeout then covers the answer. A
 * request over it costs about a quarter less CPU than over node:https (docs/benchmarks.md,
 * "2026-12-05, night: undici under the senders, and the SMS sender without MessageInstance").
 */
export function createPushAgent(options: { ca?: string; connectTimeoutMs?: number } = {}): Agent {
  return new Agent({
    connections: PUSH_SOCKETS_PER_ORIGIN,
    // A request is written only once its connection is open, so a connection that cannot be
    // opened in time (UND_ERR_CONNECT_TIMEOUT) is a push the service never saw.
    connect: { timeout: options.connectTimeoutMs ?? 15_000, ...(options.ca ? { ca: options.ca } : {}) },
  });
}

export function createWebPushSender(provider: PushProvider, options: WebPushSenderOptions): Sender {
  const vapid = createVapidSigner(provider);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const agent = options.agent ?? createPushAgent({ connectTimeoutMs: timeoutMs });
  const reuse = options.reuseVapid ?? true;
  return {
    channel: "push",
    mode: "provider",
    // A pool given by the caller is the caller's to close.
    close: async () => {
      if (!options.agent) await agent.close();
    },
    async send(message: OutboundMessage) {
      const subscription = parseSubscription(message.to);
      const url = allowedPushEndpoint(subscription.endpoint, options.hosts);
      if (!url) {
        throw new SendError(
          "permanent",
          "push endpoint not allowed",
          "push endpoint not allowed (PUSH_ENDPOINT_HOSTS)",
        );
      }
      const authorization = reuse
        ? vapid.authorization(url.origin)
        : createVapidSigner(provider).authorization(url.origin);
      let details: webpush.RequestDetails;
      try {
        details = webpush.generateRequestDetails({ ...subscription, endpoint: url.href }, message.text, {
          headers: { Authorization: authorization },
          TTL: Math.max(0, Math.floor(message.ttlSeconds ?? 3600)),
          urgency: message.urgency ?? "normal",
        });
      } catch {
        // Keys of the wrong length or shape: this subscription can never be sent to.
        throw invalidSubscription();
      }
      let answer: PushAnswer;
      try {
        answer = await postOnce(url, details, { agent, timeoutMs });
      } catch (error) {
        throw webPushSendError(error);
      }
      if (answer.status < 200 || answer.status > 299) throw answerError(answer);
      const location = answer.headers.location;
      return { providerId: typeof location === "string" ? location.slice(-120) : undefined };
    },
  };
}

type PushAnswer = { status: number; headers: IncomingHttpHeaders };

/**
 * One POST to exactly `url`; the answer's body is drained (keep-alive) and not read. undici follows
 * no redirect unless told to. Without its whole answer within the timeout it fails with ETIMEDOUT.
 */
function postOnce(
  url: URL,
  details: webpush.RequestDetails,
  options: { agent: Agent; timeoutMs: number },
): Promise<PushAnswer> {
  return withDeadline(options.timeoutMs, "push request", async (signal) => {
    const response = await request(url, {
      dispatcher: options.agent,
      method: details.method as "POST",
      headers: details.headers as Record<string, string>,
      body: details.body ?? undefined,
      signal,
    });
    await response.body.dump();
    return { status: response.statusCode, headers: response.headers as IncomingHttpHeaders };
  });
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
  throw invalidSubscription();
}

function invalidSubscription(): SendError {
  return new SendError("permanent", "push invalid", "push invalid: not a usable push subscription", {
    addressDead: true,
  });
}

/** A push service's answer other than 2xx. A redirect is refused like any other 4xx. */
export function answerError({ status, headers }: PushAnswer): SendError {
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
        retryAfterMs: retryAfterMs(headers["retry-after"]),
      },
    );
  }
  return new SendError("permanent", label, `${label}: rejected`);
}

export function webPushSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const name = typeof code === "string" ? code : "error";
  return new SendError("retry", `push ${name}`, `push ${name}: no answer from the push service`, {
    ambiguous: !neverReached(name),
  });
}

function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== "string") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
