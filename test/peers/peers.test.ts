/**
 * The loopback peers, proven with the real client libraries: nodemailer → SMTP peer,
 * web-push → push peer (which decrypts), twilio (via createTwilioClient) → Twilio peer.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { createTwilioClient } from "../../src/sms/twilio-client.ts";
import { verifyVapid } from "./push-crypto.ts";
import { createBrowserSubscription, type PushPeer, startPushPeer } from "./push-peer.ts";
import { type SmtpPeer, startSmtpPeer } from "./smtp-peer.ts";
import { countSegments, startTwilioPeer, TWILIO_ERRORS, type TwilioPeer } from "./twilio-peer.ts";

describe("SMTP peer with nodemailer", () => {
  let smtp: SmtpPeer;
  beforeAll(async () => {
    smtp = await startSmtpPeer();
  });
  afterAll(() => smtp.close());

  it("receives and parses mail sent over one pooled connection", async () => {
    const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 1 });
    const sends = Array.from({ length: 5 }, (_, i) =>
      transport.sendMail({
        from: "Aviso <alerts@aviso.test>",
        to: `resident${i}@example.test`,
        bcc: "archive@aviso.test",
        subject: `Alerte n°${i}: évacuation`,
        text: `Alert ${i}`,
        html: `<p>Alert ${i}</p>`,
        headers: { "List-Unsubscribe": "<https://aviso.test/u/abc>", "X-Aviso-Delivery": `d${i}` },
      }),
    );
    await Promise.all(sends);
    transport.close();
    const mails = await smtp.waitFor(5);

    expect(smtp.connections).toBe(1);
    const first = mails.find((mail) => mail.headers["x-aviso-delivery"] === "d0")!;
    expect(first.subject).toBe("Alerte n°0: évacuation");
    expect(first.text.trim()).toBe("Alert 0");
    expect(first.html).toContain("<p>Alert 0</p>");
    expect(first.from).toBe("alerts@aviso.test");
    expect(first.to).toEqual(["resident0@example.test", "archive@aviso.test"]);
    expect(first.headers["list-unsubscribe"]).toBe("<https://aviso.test/u/abc>");
    expect(first.headers.bcc).toBeUndefined();
  });

  it("keeps a mail unparsed when told to (parse: false), as an MTA queues it", async () => {
    const queueing = await startSmtpPeer({ parse: false });
    const transport = nodemailer.createTransport({ url: queueing.url });
    await transport.sendMail({ from: "alerts@aviso.test", to: "a@example.test", subject: "s", text: "t" });
    transport.close();
    const [mail] = await queueing.waitFor(1);
    await queueing.close();

    expect(mail).toMatchObject({ to: ["a@example.test"], subject: "", text: "", html: null, headers: {} });
    expect(mail!.raw).toMatch(/^Subject: s\r$/m);
  });

  it("answers 4xx or 5xx after DATA when told to, then accepts again", async () => {
    const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 1 });
    const mail = { from: "alerts@aviso.test", to: "a@example.test", subject: "s", text: "t" };
    const before = smtp.messages.length;

    smtp.failNext(1, 451);
    await expect(transport.sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    smtp.failNext(1, 550);
    await expect(transport.sendMail(mail)).rejects.toMatchObject({ responseCode: 550 });
    await transport.sendMail(mail);

    expect(smtp.messages.length).toBe(before + 1);
    expect(smtp.rejected.map((r) => r.code)).toEqual([451, 550]);
    transport.close();
  });
});

describe("push peer with web-push", () => {
  let push: PushPeer;
  const vapidKeys = webpush.generateVAPIDKeys();
  const vapidDetails = { subject: "mailto:alerts@aviso.test", ...vapidKeys };
  beforeAll(async () => {
    push = await startPushPeer();
  });
  afterAll(() => push.close());

  it("decrypts what web-push encrypted and sees TTL, Urgency and the VAPID claims", async () => {
    const browser = createBrowserSubscription(push, { applicationServerKey: vapidKeys.publicKey });
    const payload = JSON.stringify({ title: "Alerte", body: "Évacuez la zone 94607 — 避难 🚨" });
    const result = await webpush.sendNotification(browser.subscription, payload, {
      vapidDetails,
      TTL: 3600,
      urgency: "high",
      agent: push.agent,
    });

    expect(result.statusCode).toBe(201);
    const [received] = await push.waitFor(1);
    expect(received).toMatchObject({ id: browser.id, payload, ttl: 3600, urgency: "high" });
    expect(received!.vapidSubject).toBe("mailto:alerts@aviso.test");
    expect(received!.vapidPublicKey).toBe(vapidKeys.publicKey);
    const now = Date.now() / 1000;
    expect(received!.jwtExp).toBeGreaterThan(now);
    expect(received!.jwtExp).toBeLessThanOrEqual(now + 24 * 3600);
  });

  it("answers 410 for a gone subscription and 429 with Retry-After when rate limiting", async () => {
    const browser = createBrowserSubscription(push);
    push.rateLimitNext(1, 7);
    const limited = webpush.sendNotification(browser.subscription, "x", { vapidDetails, agent: push.agent });
    await expect(limited).rejects.toMatchObject({ statusCode: 429, headers: { "retry-after": "7" } });

    push.gone(browser.id);
    const error = await webpush
      .sendNotification(browser.subscription, "x", { vapidDetails, agent: push.agent })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(webpush.WebPushError);
    expect(error).toMatchObject({ statusCode: 410, endpoint: browser.subscription.endpoint });
  });

  it("rejects a forged VAPID signature, a wrong audience and an undecryptable payload", async () => {
    const browser = createBrowserSubscription(push);
    const other = webpush.generateVAPIDKeys();
    const send = (authorization: string, subscription = browser.subscription) =>
      webpush.sendNotification(subscription, "x", {
        headers: { Authorization: authorization },
        agent: push.agent,
      });
    const signedByOther = webpush.getVapidHeaders(
      push.url,
      "mailto:x@aviso.test",
      other.publicKey,
      other.privateKey,
      "aes128gcm",
    );
    const forged = signedByOther.Authorization.replace(other.publicKey, vapidKeys.publicKey);
    const wrongAud = webpush.getVapidHeaders(
      "https://push.example",
      "mailto:x@aviso.test",
      other.publicKey,
      other.privateKey,
      "aes128gcm",
    );
    const wrongAuthSecret = {
      ...browser.subscription,
      keys: { ...browser.subscription.keys, auth: "AAAAAAAAAAAAAAAAAAAAAA" },
    };

    await expect(send(forged)).rejects.toMatchObject({ statusCode: 403 });
    await expect(send(wrongAud.Authorization)).rejects.toMatchObject({ statusCode: 403 });
    await expect(send(signedByOther.Authorization, wrongAuthSecret)).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(push.rejected.slice(-3).map((r) => r.reason)).toEqual([
      "bad JWT signature",
      `aud must be ${push.url}`,
      expect.stringContaining("cannot decrypt"),
    ]);
  });

  it("refuses a JWT it has already verified once it comes under another key, or has expired", async () => {
    const browser = createBrowserSubscription(push);
    const other = webpush.generateVAPIDKeys();
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const genuine = webpush.getVapidHeaders(
      push.url,
      "mailto:x@aviso.test",
      other.publicKey,
      other.privateKey,
      "aes128gcm",
      expiresAt,
    ).Authorization;
    const send = (authorization: string) =>
      webpush.sendNotification(browser.subscription, "x", {
        headers: { Authorization: authorization },
        agent: push.agent,
      });

    await send(genuine);
    await send(genuine);
    await expect(send(genuine.replace(other.publicKey, vapidKeys.publicKey))).rejects.toMatchObject({
      statusCode: 403,
    });
    expect(push.rejected.at(-1)?.reason).toBe("bad JWT signature");
    const verified = verifyVapid(genuine, push.url, (expiresAt + 1) * 1000);
    expect(verified).toMatchObject({ ok: false, reason: "JWT expired or exp missing" });
  });

  it("forwards without decrypting when told to (decrypt: false), yet refuses a malformed body", async () => {
    const forwarding = await startPushPeer({ decrypt: false });
    const browser = createBrowserSubscription(forwarding);
    const options = { vapidDetails, agent: forwarding.agent };
    await webpush.sendNotification(browser.subscription, "secret", options);
    const details = webpush.generateRequestDetails(browser.subscription, "x", { vapidDetails });
    const shortBody = (details.body as Buffer).subarray(0, 20);
    const headers = { ...details.headers, "Content-Length": shortBody.length };
    const truncated = await new Promise<number>((resolve, reject) => {
      const request = https.request(
        details.endpoint,
        { method: "POST", headers, agent: forwarding.agent },
        (res) => resolve(res.resume().statusCode ?? 0),
      );
      request.on("error", reject).end(shortBody);
    });
    await forwarding.close();

    expect(truncated).toBe(400);

    expect(forwarding.received).toHaveLength(1);
    expect(forwarding.received[0]).toMatchObject({ payload: "", ttl: expect.any(Number) });
  });

  it("counts distinct JWTs, so a sender that reuses one per origin can prove it", async () => {
    const browser = createBrowserSubscription(push);
    const before = push.distinctJwts;
    const { Authorization } = webpush.getVapidHeaders(
      push.url,
      vapidDetails.subject,
      vapidKeys.publicKey,
      vapidKeys.privateKey,
      "aes128gcm",
    );
    for (const text of ["one", "two", "three"]) {
      await webpush.sendNotification(browser.subscription, text, {
        headers: { Authorization },
        agent: push.agent,
      });
    }
    expect(push.distinctJwts).toBe(before + 1);
    expect(push.received.filter((r) => r.id === browser.id).map((r) => r.payload)).toEqual([
      "one",
      "two",
      "three",
    ]);
  });
});

describe("Twilio peer with the twilio client", () => {
  let sms: TwilioPeer;
  let callbacks: { url: string; params: Record<string, string>; signature: string }[];
  let callbackServer: http.Server;
  let callbackBase: string;
  beforeAll(async () => {
    sms = await startTwilioPeer();
    callbacks = [];
    callbackServer = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const signature = String(req.headers["x-twilio-signature"] ?? "");
        callbacks.push({
          url: `${callbackBase}${req.url}`,
          params: Object.fromEntries(new URLSearchParams(body)),
          signature,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
    callbackBase = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await sms.close();
    callbackServer.closeAllConnections();
    await new Promise((resolve) => callbackServer.close(resolve));
  });

  const client = () =>
    createTwilioClient({ accountSid: sms.accountSid, authToken: sms.authToken, apiUrl: sms.url });

  it("creates a message through createTwilioClient({ apiUrl })", async () => {
    const message = await client().messages.create({
      to: "+15105550100",
      from: "+15105550199",
      body: "Alerta: evacúe la zona 94607",
      validityPeriod: 600,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({
      status: "queued",
      to: "+15105550100",
      from: "+15105550199",
      numSegments: "1",
    });
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(sms.messages.at(-1)).toMatchObject({
      sid: message.sid,
      body: "Alerta: evacúe la zona 94607",
      validityPeriod: 600,
    });
  });

  it("accepts a Messaging Service sender and counts segments like Twilio", async () => {
    const message = await client().messages.create({
      to: "+15105550101",
      messagingServiceSid: "MG123",
      body: "é".repeat(161),
    });
    expect(message.status).toBe("accepted");
    expect(message.numSegments).toBe("2");
    expect(countSegments("x".repeat(160))).toBe(1);
    expect(countSegments("🚨".repeat(36))).toBe(2);
  });

  it("surfaces Twilio error codes as RestException with code, status and moreInfo", async () => {
    sms.failFor("+15105550102", TWILIO_ERRORS.unsubscribed);
    const error = await client()
      .messages.create({ to: "+15105550102", from: "+15105550199", body: "hi" })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({
      status: 400,
      code: 21610,
      moreInfo: "https://www.twilio.com/docs/errors/21610",
    });

    sms.failNext(1, TWILIO_ERRORS.tooManyRequests);
    const send = () => client().messages.create({ to: "+15105550103", from: "+15105550199", body: "hi" });
    await expect(send()).rejects.toMatchObject({ status: 429, code: 20429 });
    await expect(send()).resolves.toMatchObject({ status: "queued" });

    await expect(
      client().messages.create({ to: "12345", from: "+15105550199", body: "hi" }),
    ).rejects.toMatchObject({ status: 400, code: 21211 });
    const wrongToken = createTwilioClient({ accountSid: sms.accountSid, authToken: "nope", apiUrl: sms.url });
    await expect(
      wrongToken.messages.create({ to: "+15105550103", from: "+15105550199", body: "hi" }),
    ).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it("adds latency when asked, and takes an apiUrl with a trailing slash", async () => {
    sms.delayMs = 60;
    const started = performance.now();
    const slashed = createTwilioClient({
      accountSid: sms.accountSid,
      authToken: sms.authToken,
      apiUrl: `${sms.url}/`,
    });
    await slashed.messages.create({ to: "+15105550105", from: "+15105550199", body: "slow" });
    sms.delayMs = 0;
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("signs status callbacks so twilio.validateRequest accepts them", async () => {
    const statusCallback = `${callbackBase}/webhooks/twilio/status?d=42`;
    const message = await client().messages.create({
      to: "+15105550104",
      from: "+15105550199",
      body: "hi",
      statusCallback,
    });

    const results = await sms.deliverAll("undelivered", 30003);
    expect(results).toContainEqual({ sid: message.sid, url: statusCallback, status: 204 });
    const callback = callbacks.find((c) => c.params.MessageSid === message.sid)!;
    expect(callback.params).toMatchObject({
      MessageStatus: "undelivered",
      ErrorCode: "30003",
      To: "+15105550104",
    });
    expect(twilio.validateRequest(sms.authToken, callback.signature, callback.url, callback.params)).toBe(
      true,
    );
    const tampered = { ...callback.params, MessageStatus: "delivered" };
    expect(twilio.validateRequest(sms.authToken, callback.signature, callback.url, tampered)).toBe(false);
  });
});
