/**
 * The provider senders against real protocol peers on loopback: what each provider receives, and
 * how each provider answer becomes a SendError (retry or permanent, address dead or not), with no
 * address in any error text.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { loadConfig } from "../../src/config.ts";
import { SendError, type Sender } from "../../src/delivery/sender.ts";
import { createSenders } from "../../src/delivery/senders.ts";
import { createSmtpSender } from "../../src/delivery/smtp-sender.ts";
import { createTwilioSender } from "../../src/delivery/twilio-sender.ts";
import { createPushAgent, createWebPushSender } from "../../src/delivery/webpush-sender.ts";
import { createPiiCipher } from "../../src/security/pii.ts";
import { createLoopbackCert } from "../peers/loopback-cert.ts";
import { createBrowserSubscription, type PushPeer, startPushPeer } from "../peers/push-peer.ts";
import { type SmtpPeer, startSmtpPeer } from "../peers/smtp-peer.ts";
import { startTwilioPeer, TWILIO_ERRORS, type TwilioPeer } from "../peers/twilio-peer.ts";
import { freePort } from "../support/free-port.ts";

async function sendError(
  sender: Sender,
  to: string,
  extra: Record<string, unknown> = {},
): Promise<SendError> {
  const error = await sender
    .send({ channel: sender.channel, to, text: "x", ...extra })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SendError);
  expect((error as SendError).message).not.toContain(to);
  return error as SendError;
}

describe("SMS through Twilio", () => {
  let peer: TwilioPeer;
  let sender: Sender;
  beforeAll(async () => {
    peer = await startTwilioPeer();
    const provider = { accountSid: peer.accountSid, authToken: peer.authToken, apiUrl: peer.url };
    sender = createTwilioSender(
      { ...provider, messagingServiceSid: "MG00000000000000000000000000000000" },
      { publicUrl: "https://aviso.test", ratePerSecond: 1000 },
    );
  });
  afterAll(() => peer.close());

  it("sends with the Messaging Service, a status callback naming the ledger row, and a clamped ValidityPeriod", async () => {
    const result = await sender.send({
      channel: "sms",
      to: "+15105550100",
      text: "VERIFIED: hi",
      deliveryId: "42",
      ttlSeconds: 86_400,
    });
    await sender.send({ channel: "sms", to: "+15105550100", text: "again", ttlSeconds: 0.2 });
    const [first, second] = await peer.waitFor(2);
    expect(result.providerId).toBe(first!.sid);
    expect(first).toMatchObject({
      to: "+15105550100",
      body: "VERIFIED: hi",
      messagingServiceSid: "MG00000000000000000000000000000000",
      from: null,
      statusCallback: "https://aviso.test/webhooks/twilio/status?d=42",
      validityPeriod: 36_000,
    });
    expect(second!.validityPeriod).toBe(1);
  });

  it("uses From when there is no Messaging Service", async () => {
    const fromSender = createTwilioSender(
      { accountSid: peer.accountSid, authToken: peer.authToken, apiUrl: peer.url, from: "+15005550006" },
      { publicUrl: "https://aviso.test", ratePerSecond: 1000 },
    );
    const before = peer.messages.length;
    await fromSender.send({ channel: "sms", to: "+15105550101", text: "from" });
    expect(peer.messages[before]).toMatchObject({ from: "+15005550006", messagingServiceSid: null });
  });

  it("counts a 2xx answer without a readable SID as sent: retrying it would text the resident twice", async () => {
    const requests: { contentType: string | undefined; body: string }[] = [];
    const garbled = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk));
      req.on("end", () => {
        requests.push({ contentType: req.headers["content-type"], body });
        res.writeHead(201, { "content-type": "text/html" }).end("<html>accepted</html>");
      });
    });
    await new Promise<void>((resolve) => garbled.listen(0, "127.0.0.1", resolve));
    const { port } = garbled.address() as AddressInfo;
    const toGarbled = createTwilioSender(
      {
        accountSid: peer.accountSid,
        authToken: peer.authToken,
        apiUrl: `http://127.0.0.1:${port}`,
        from: "+15005550006",
      },
      { publicUrl: "https://aviso.test", ratePerSecond: 1000 },
    );
    try {
      expect(await toGarbled.send({ channel: "sms", to: "+15105550109", text: "once" })).toEqual({});
      expect(requests).toHaveLength(1);
      expect(requests[0]!.contentType).toBe("application/x-www-form-urlencoded");
      expect(new URLSearchParams(requests[0]!.body).get("Body")).toBe("once");
    } finally {
      await new Promise((resolve) => garbled.close(resolve));
    }
  });

  it("close() closes the sender's connection pool: nothing goes out after it", async () => {
    const closing = createTwilioSender(
      { accountSid: peer.accountSid, authToken: peer.authToken, apiUrl: peer.url, from: "+15005550006" },
      { publicUrl: "https://aviso.test", ratePerSecond: 1000 },
    );
    await closing.send({ channel: "sms", to: "+15105550110", text: "before" });
    await closing.close!();
    const before = peer.messages.length;
    expect(await sendError(closing, "+15105550110")).toMatchObject({ kind: "retry" });
    expect(peer.messages).toHaveLength(before);
  });

  it("retries 429, 20429 and 500; gives up for good on 21610, 21211, 21614 and marks the address dead", async () => {
    peer.failNext(1, TWILIO_ERRORS.tooManyRequests);
    const limited = await sendError(sender, "+15105550102");
    expect(limited).toMatchObject({ kind: "retry", code: "twilio 20429", addressDead: false });
    peer.failNext(1, TWILIO_ERRORS.serverError);
    expect(await sendError(sender, "+15105550102")).toMatchObject({ kind: "retry", addressDead: false });
    for (const [error, code] of [
      [TWILIO_ERRORS.unsubscribed, "twilio 21610"],
      [TWILIO_ERRORS.invalidTo, "twilio 21211"],
      [TWILIO_ERRORS.notMobile, "twilio 21614"],
    ] as const) {
      peer.failFor("+15105550103", error);
      expect(await sendError(sender, "+15105550103")).toMatchObject({
        kind: "permanent",
        code,
        addressDead: true,
      });
    }
    peer.failFor("+15105550103", null);
  });

  it("treats a refused login as ours to fix (retry), no answer as ambiguous, a refused connection as not", async () => {
    const wrongToken = createTwilioSender(
      { accountSid: peer.accountSid, authToken: "wrong", apiUrl: peer.url, from: "+15005550006" },
      { publicUrl: "https://aviso.test", ratePerSecond: 1000 },
    );
    expect(await sendError(wrongToken, "+15105550104")).toMatchObject({ kind: "retry", addressDead: false });
    peer.delayMs = 500;
    const slow = createTwilioSender(
      { accountSid: peer.accountSid, authToken: peer.authToken, apiUrl: peer.url, from: "+15005550006" },
      { publicUrl: "https://aviso.test", ratePerSecond: 1000, timeoutMs: 100 },
    );
    expect(await sendError(slow, "+15105550104")).toMatchObject({
      kind: "retry",
      code: "twilio ETIMEDOUT",
      ambiguous: true,
    });
    peer.delayMs = 0;
    const closed = createTwilioSender(
      {
        accountSid: peer.accountSid,
        authToken: peer.authToken,
        apiUrl: `http://127.0.0.1:${await freePort()}`,
      },
      { publicUrl: "https://aviso.test", ratePerSecond: 1000 },
    );
    expect(await sendError(closed, "+15105550104")).toMatchObject({
      kind: "retry",
      code: "twilio ECONNREFUSED",
      ambiguous: false,
    });
  });
});

describe("email over pooled SMTP", () => {
  let peer: SmtpPeer;
  let sender: Sender;
  beforeAll(async () => {
    peer = await startSmtpPeer();
    sender = createSmtpSender({ smtpUrl: peer.url, from: "Aviso <alerts@aviso.test>" });
  });
  afterAll(async () => {
    await sender.close?.();
    await peer.close();
  });

  it("sends text, HTML and headers over one connection", async () => {
    for (let i = 0; i < 3; i++) {
      await sender.send({
        channel: "email",
        to: `resident${i}@example.org`,
        subject: "VERIFICADO: Agentes",
        text: "Hola",
        html: "<p>Hola</p>",
        headers: {
          "List-Unsubscribe": "<https://aviso.test/unsubscribe/t>",
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
      });
    }
    const mails = await peer.waitFor(3);
    expect(peer.connections).toBe(1);
    expect(mails[0]).toMatchObject({
      to: ["resident0@example.org"],
      subject: "VERIFICADO: Agentes",
      html: "<p>Hola</p>",
    });
    expect(mails[0]!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
  });

  it("retries a 4xx; a 5xx after DATA fails the message but not the address", async () => {
    peer.failNext(1, 451);
    expect(await sendError(sender, "r@example.org", { subject: "s" })).toMatchObject({
      kind: "retry",
      code: "smtp 451",
    });
    peer.failNext(1, 554);
    expect(await sendError(sender, "r@example.org", { subject: "s" })).toMatchObject({
      kind: "permanent",
      addressDead: false,
    });
  });

  it("mails only a single addr-spec: a display name or a list stored before sign-up parsed addresses goes nowhere", async () => {
    const before = peer.messages.length;
    for (const to of [
      "a<victim@x.example>",
      "x,victim@x.example",
      "victim@x.example, other@x.example",
      "g: victim@x.example;",
    ]) {
      expect(await sendError(sender, to, { subject: "s" }), to).toMatchObject({
        kind: "permanent",
        code: "smtp address",
        addressDead: true,
      });
    }
    await sender.send({ channel: "email", to: "victim@x.example", subject: "s", text: "t" });
    const mails = await peer.waitFor(before + 1);
    expect(mails.slice(before).map((mail) => mail.to)).toEqual([["victim@x.example"]]);
  });
});

describe("web push", () => {
  let peer: PushPeer;
  const keys = webpush.generateVAPIDKeys();
  const provider = {
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
    subject: "mailto:alerts@aviso.test",
  };
  /** PUSH_ENDPOINT_HOSTS as the tests set it: the loopback peer, by its address and port. */
  const peerHosts = () => [`127.0.0.1:${peer.port}`];
  beforeAll(async () => {
    peer = await startPushPeer();
  });
  afterAll(() => peer.close());

  it("signs one VAPID JWT per push service and reuses it; TTL and Urgency as asked", async () => {
    const sender = createWebPushSender(provider, {
      agent: createPushAgent({ ca: peer.ca! }),
      hosts: peerHosts(),
    });
    const browsers = Array.from({ length: 20 }, () =>
      createBrowserSubscription(peer, { applicationServerKey: keys.publicKey }),
    );
    await Promise.all(
      browsers.map((browser, i) =>
        sender.send({
          channel: "push",
          to: JSON.stringify(browser.subscription),
          text: `{"n":${i}}`,
          ttlSeconds: 600,
          urgency: "high",
        }),
      ),
    );
    const received = await peer.waitFor(20);
    expect(peer.distinctJwts).toBe(1);
    expect(received.map((r) => JSON.parse(r.payload).n).sort((a, b) => a - b)).toEqual(
      browsers.map((_, i) => i),
    );
    expect(received[0]).toMatchObject({ ttl: 600, urgency: "high", vapidPublicKey: keys.publicKey });
  });

  it("the naive way signs a JWT per message", async () => {
    const naive = createWebPushSender(provider, {
      agent: createPushAgent({ ca: peer.ca! }),
      hosts: peerHosts(),
      reuseVapid: false,
    });
    const before = peer.distinctJwts;
    const browser = createBrowserSubscription(peer);
    for (let i = 0; i < 3; i++)
      await naive.send({ channel: "push", to: JSON.stringify(browser.subscription), text: "x" });
    expect(peer.distinctJwts - before).toBe(3);
  });

  it("410 is a dead address; 429 is retried after Retry-After; a broken subscription is dead", async () => {
    const sender = createWebPushSender(provider, {
      agent: createPushAgent({ ca: peer.ca! }),
      hosts: peerHosts(),
    });
    const browser = createBrowserSubscription(peer);
    const to = JSON.stringify(browser.subscription);
    peer.rateLimitNext(1, 7);
    expect(await sendError(sender, to)).toMatchObject({
      kind: "retry",
      code: "push 429",
      retryAfterMs: 7000,
    });
    peer.gone(browser.id);
    expect(await sendError(sender, to)).toMatchObject({
      kind: "permanent",
      code: "push 410",
      addressDead: true,
    });
    expect(await sendError(sender, "not json")).toMatchObject({ kind: "permanent", addressDead: true });
    const badKeys = JSON.stringify({ ...browser.subscription, keys: { p256dh: "AAAA", auth: "AAAA" } });
    expect(await sendError(sender, badKeys)).toMatchObject({ kind: "permanent", code: "push invalid" });
  });
});

describe("web push: one URL, checked and sent to", () => {
  let peer: PushPeer;
  let elsewhere: PushPeer;
  const keys = webpush.generateVAPIDKeys();
  const provider = { publicKey: keys.publicKey, privateKey: keys.privateKey, subject: "mailto:a@aviso.test" };
  beforeAll(async () => {
    [peer, elsewhere] = await Promise.all([startPushPeer(), startPushPeer()]);
  });
  afterAll(() => Promise.all([peer.close(), elsewhere.close()]));

  it("checks the endpoint against PUSH_ENDPOINT_HOSTS itself, and sends nothing to one off the list", async () => {
    const sender = createWebPushSender(provider, {
      agent: createPushAgent({ ca: peer.ca! }),
      hosts: ["push.example.org"],
    });
    const browser = createBrowserSubscription(peer);
    const before = peer.connections;
    expect(await sendError(sender, JSON.stringify(browser.subscription))).toMatchObject({
      kind: "permanent",
      code: "push endpoint not allowed",
      addressDead: false,
    });
    expect(peer.connections).toBe(before);
    expect(peer.received).toEqual([]);
  });

  it("a push service silent past the timeout may have the message (ambiguous); one never reached has not", async () => {
    // One answers nothing after the TLS handshake; one accepts TCP but never starts TLS.
    const sockets: Socket[] = [];
    const keep = (socket: Socket) => sockets.push(socket.on("error", () => {}));
    const cert = createLoopbackCert();
    const silent = createHttpsServer(cert, () => {}).on("connection", keep);
    const mute = createNetServer(keep);
    const listen = async (server: NetServer) => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return (server.address() as AddressInfo).port;
    };
    const [silentPort, mutePort, closedPort] = [await listen(silent), await listen(mute), await freePort()];
    const browser = createBrowserSubscription(peer, { applicationServerKey: keys.publicKey });
    const at = (port: number) =>
      JSON.stringify({ ...browser.subscription, endpoint: `https://127.0.0.1:${port}/push/x` });
    const sender = createWebPushSender(provider, {
      agent: createPushAgent({ ca: cert.cert, connectTimeoutMs: 200 }),
      hosts: [silentPort, mutePort, closedPort].map((port) => `127.0.0.1:${port}`),
      timeoutMs: 300,
    });
    try {
      const started = Date.now();
      expect(await sendError(sender, at(silentPort))).toMatchObject({
        kind: "retry",
        code: "push ETIMEDOUT",
        ambiguous: true,
      });
      expect(await sendError(sender, at(mutePort))).toMatchObject({
        kind: "retry",
        code: "push UND_ERR_CONNECT_TIMEOUT",
        ambiguous: false,
      });
      expect(await sendError(sender, at(closedPort))).toMatchObject({
        kind: "retry",
        code: "push ECONNREFUSED",
        ambiguous: false,
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await Promise.all([silent, mute].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it("never follows a push service's redirect", async () => {
    const sender = createWebPushSender(provider, {
      agent: createPushAgent({ ca: peer.ca! }),
      hosts: [`127.0.0.1:${peer.port}`, `127.0.0.1:${elsewhere.port}`],
    });
    const browser = createBrowserSubscription(peer);
    const target = createBrowserSubscription(elsewhere);
    for (const status of [301, 302, 307, 308]) {
      peer.redirectNext(1, target.subscription.endpoint, status);
      expect(await sendError(sender, JSON.stringify(browser.subscription))).toMatchObject({
        kind: "permanent",
        code: `push ${status}`,
      });
    }
    expect(elsewhere.connections).toBe(0);
    expect(elsewhere.received).toEqual([]);
  });
});

describe("createSenders via config", () => {
  it("uses the local outbox for channels without a provider", async () => {
    const config = loadConfig({
      NODE_ENV: "test",
      SMTP_URL: "smtp://127.0.0.1:1",
      MAIL_FROM: "a@aviso.test",
    });
    const pii = createPiiCipher([{ id: "k", key: randomBytes(32) }], randomBytes(32));
    const senders = createSenders(config, {} as never, pii);
    expect([senders.sms.mode, senders.email.mode, senders.push.mode]).toEqual(["local", "provider", "local"]);
    await senders.email.close?.();
  });
});
