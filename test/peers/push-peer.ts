/**
 * Push peer: an HTTP push service (RFC 8030) on 127.0.0.1 that accepts `POST /push/:id`, checks the
 * VAPID header (RFC 8292) and really decrypts the aes128gcm payload (RFC 8291) with the private key
 * of a subscription made by `createBrowserSubscription()` — as a browser + push service would.
 *
 * It serves HTTPS with a throwaway self-signed certificate, because `web-push` only speaks HTTPS:
 * give senders `peer.agent` (an https.Agent that trusts `peer.ca`) — `sendNotification(…, { agent })`.
 * `startPushPeer({ tls: false })` serves plain HTTP for senders that bring their own HTTP client.
 *
 *   const push = await startPushPeer();
 *   const browser = createBrowserSubscription(push);
 *   await webpush.sendNotification(browser.subscription, "hi", { vapidDetails, agent: push.agent });
 *   push.received[0].payload === "hi";
 */
import { createECDH, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { createLoopbackCert } from "./loopback-cert.ts";
import { checkAes128gcmHeader, decryptAes128gcm, verifyVapid } from "./push-crypto.ts";
import { arrivals } from "./wait.ts";

export interface ReceivedPush {
  id: string;
  /** The decrypted payload ("" for a push without payload, or from a peer that does not decrypt). */
  payload: string;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  vapidSubject: string | null;
  vapidPublicKey: string;
  jwtExp: number;
  jwt: string;
}

export interface RejectedPush {
  id: string;
  status: number;
  reason: string;
}

export interface PushSubscriptionJSON {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

export interface PushPeer {
  /** Origin of the push service, e.g. https://127.0.0.1:PORT (also the VAPID `aud`). */
  url: string;
  port: number;
  /** PEM certificate to trust (null when started with tls: false). */
  ca: string | null;
  /** An https.Agent (keep-alive) trusting `ca`, for web-push's `agent` option; undefined without TLS. */
  agent: https.Agent | undefined;
  received: ReceivedPush[];
  rejected: RejectedPush[];
  /** Distinct VAPID JWT strings seen on accepted requests. */
  readonly distinctJwts: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  /** From now on this subscription answers 410 Gone (the user unsubscribed). */
  gone(id: string): void;
  /** The next `n` requests get 429 Too Many Requests with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(n: number, retryAfterSeconds?: number): void;
  /** The next `n` requests get `status` (a 3xx) with `Location: location`, and are not accepted. */
  redirectNext(n: number, location: string, status?: number): void;
  /** Used by createBrowserSubscription(); tests rarely need it. */
  register(id: string, keys: SubscriptionKeys): void;
  close(): Promise<void>;
}

export interface SubscriptionKeys {
  privateKey: Buffer;
  auth: Buffer;
  /** When set, the subscription is restricted (RFC 8292 §3.2): VAPID `k` must equal it. */
  applicationServerKey?: string;
}

export interface PushPeerOptions {
  /** Default true: HTTPS with a throwaway certificate; false: plain HTTP. */
  tls?: boolean;
  /**
   * Default true: the payload is decrypted as the browser would. false: it is checked for the
   * aes128gcm header's shape and forwarded unread, which is all a push service does (it never
   * holds the browser's key); `payload` stays "". The fan-out benchmark's peer: a real push
   * service's CPU is not ours, and on this machine the peers' CPU is taken from the workers'.
   */
  decrypt?: boolean;
}

export async function startPushPeer(opts: PushPeerOptions = {}): Promise<PushPeer> {
  const tls = opts.tls ?? true;
  const decrypt = opts.decrypt ?? true;
  const received: ReceivedPush[] = [];
  const rejected: RejectedPush[] = [];
  const arrived = arrivals(received, "push messages");
  const subscriptions = new Map<string, SubscriptionKeys>();
  const goneIds = new Set<string>();
  const jwts = new Set<string>();
  let rateLimit = { remaining: 0, retryAfterSeconds: 1 };
  let redirect = { remaining: 0, location: "", status: 307 };
  let connections = 0;
  let origin = "";

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? "")?.[1];
    const refuse = (status: number, reason: string) => {
      rejected.push({ id: id ?? req.url ?? "", status, reason });
      res.writeHead(status, { "content-type": "text/plain" }).end(reason);
    };
    const subscription = id === undefined ? undefined : subscriptions.get(id);
    if (req.method !== "POST" || id === undefined || !subscription)
      return refuse(404, "no such subscription");
    if (goneIds.has(id)) return refuse(410, "subscription is gone");
    if (redirect.remaining > 0) {
      redirect = { ...redirect, remaining: redirect.remaining - 1 };
      res.setHeader("location", redirect.location);
      return refuse(redirect.status, "redirected");
    }
    if (rateLimit.remaining > 0) {
      rateLimit = { ...rateLimit, remaining: rateLimit.remaining - 1 };
      res.setHeader("retry-after", String(rateLimit.retryAfterSeconds));
      return refuse(429, "too many requests");
    }

    const vapid = verifyVapid(req.headers.authorization, origin);
    if (!vapid.ok) return refuse(vapid.status, vapid.reason);
    const asKey = subscription.applicationServerKey;
    if (asKey && asKey !== vapid.claims.publicKey)
      return refuse(403, "k does not match applicationServerKey");

    const ttl = Number(req.headers.ttl);
    if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) return refuse(400, "bad TTL");
    let payload = "";
    if (body.length > 0) {
      if (req.headers["content-encoding"] !== "aes128gcm")
        return refuse(400, "Content-Encoding must be aes128gcm");
      try {
        if (decrypt) payload = decryptAes128gcm(body, subscription.privateKey, subscription.auth);
        else checkAes128gcmHeader(body);
      } catch (err) {
        return refuse(400, `cannot decrypt: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    jwts.add(vapid.claims.jwt);
    received.push({
      id,
      payload,
      ttl,
      urgency: header(req, "urgency"),
      topic: header(req, "topic"),
      vapidSubject: vapid.claims.subject,
      vapidPublicKey: vapid.claims.publicKey,
      jwtExp: vapid.claims.expiresAt,
      jwt: vapid.claims.jwt,
    });
    res.writeHead(201, { location: `${origin}/message/${randomUUID()}` }).end();
    arrived.notify();
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  };
  const cert = tls ? createLoopbackCert() : null;
  const server = cert ? https.createServer(cert, listener) : http.createServer(listener);
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  const agent = cert ? new https.Agent({ ca: cert.cert, keepAlive: true }) : undefined;

  return {
    url: origin,
    port,
    ca: cert?.cert ?? null,
    agent,
    received,
    rejected,
    get distinctJwts() {
      return jwts.size;
    },
    get connections() {
      return connections;
    },
    waitFor: arrived.waitFor,
    gone: (id) => void goneIds.add(id),
    rateLimitNext(n, retryAfterSeconds = 1) {
      rateLimit = { remaining: n, retryAfterSeconds };
    },
    redirectNext(n, location, status = 307) {
      redirect = { remaining: n, location, status };
    },
    register: (id, keys) => void subscriptions.set(id, keys),
    async close() {
      agent?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a browser's `pushManager.subscribe()` makes: a P-256 key pair and a 16-byte auth secret. */
export function createBrowserSubscription(
  peer: PushPeer,
  opts: { applicationServerKey?: string } = {},
): { id: string; subscription: PushSubscriptionJSON; privateKey: string } {
  const ecdh = createECDH("prime256v1");
  const publicKey = ecdh.generateKeys();
  const auth = randomBytes(16);
  const id = randomBytes(12).toString("base64url");
  peer.register(id, { privateKey: ecdh.getPrivateKey(), auth, ...opts });
  return {
    id,
    subscription: {
      endpoint: `${peer.url}/push/${id}`,
      expirationTime: null,
      keys: { p256dh: publicKey.toString("base64url"), auth: auth.toString("base64url") },
    },
    privateKey: ecdh.getPrivateKey().toString("base64url"),
  };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
}
