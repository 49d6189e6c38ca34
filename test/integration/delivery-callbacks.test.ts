/**
 * What comes back after a send: Twilio's signed status callbacks moving ledger rows forward (and
 * never back), and the one-click unsubscribe link of every alert email.
 */
import { type ServerType, serve } from "@hono/node-server";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { unsubscribeToken } from "../../src/security/unsubscribe-token.ts";
import { publishAlert } from "../../src/services/alerts/publish.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { addAlert, addSubscriber, ledger, settled } from "../support/fanout.ts";
import { freePort } from "../support/free-port.ts";

let rig: DeliveryRig;
let workers: { stop(): Promise<void> };
let server: ServerType;
let publicUrl: string;

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  rig = await startDeliveryRig({ PUBLIC_URL: publicUrl });
  server = serve({ fetch: createApp(rig.runtime).fetch, port, hostname: "127.0.0.1" });
  workers = await startDeliveryWorkers(rig.runtime);
});
afterAll(async () => {
  await workers.stop();
  await new Promise((resolve) => server.close(resolve));
  await rig.close();
});

const subscriberStatus = async (id: string) =>
  (
    await rig.runtime.db
      .selectFrom("subscribers")
      .select("status")
      .where("id", "=", id)
      .executeTakeFirstOrThrow()
  ).status;

describe("POST /webhooks/twilio/status", () => {
  it("moves rows to delivered, and a late 'sent' changes nothing", async () => {
    await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550301", zips: ["94611"] });
    await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550302", zips: ["94611"] });
    const alertId = await addAlert(rig.runtime, { zips: ["94611"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    await settled(rig.runtime, alertId);

    const delivered = await rig.sms.deliverAll("delivered");
    expect(delivered.map((r) => r.status)).toEqual([204, 204]);
    expect((await ledger(rig.runtime, alertId)).map((r) => r.status)).toEqual(["delivered", "delivered"]);

    const late = await rig.sms.deliverAll("sent");
    expect(late.map((r) => r.status)).toEqual([204, 204]);
    expect((await ledger(rig.runtime, alertId)).map((r) => r.status)).toEqual(["delivered", "delivered"]);
  });

  it("an undelivered report for a dead number fails the row and stops the subscriber", async () => {
    const id = await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550303", zips: ["94618"] });
    const alertId = await addAlert(rig.runtime, { zips: ["94618"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    await settled(rig.runtime, alertId);
    await rig.sms.deliverAll("undelivered", 30006);
    const [row] = await ledger(rig.runtime, alertId);
    expect(row).toMatchObject({
      status: "undelivered",
      last_error: "twilio 30006: landline or unreachable carrier",
    });
    expect(await subscriberStatus(id)).toBe("stopped");
  });

  it("lands even when it outruns the worker's own record of the send", async () => {
    await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550304", zips: ["94619"] });
    const alertId = await addAlert(rig.runtime, { zips: ["94619"] });
    rig.sms.delayMs = 400; // Twilio has the message; its API answer is still on the way
    const before = rig.sms.messages.length;
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const [sms] = (await rig.sms.waitFor(before + 1)).slice(before);
    const early = await rig.sms.deliverAll("delivered");
    expect(early.find((r) => r.sid === sms!.sid)!.status).toBe(204);
    expect((await ledger(rig.runtime, alertId))[0]).toMatchObject({
      status: "delivered",
      provider_id: sms!.sid,
    });
    rig.sms.delayMs = 0;
    const [row] = await settled(rig.runtime, alertId);
    expect(row).toMatchObject({ status: "delivered", provider_id: sms!.sid, attempts: 1 });
  });

  it("refuses a missing or wrong signature with 403 and changes nothing", async () => {
    await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550305", zips: ["94621"] });
    const alertId = await addAlert(rig.runtime, { zips: ["94621"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const [row] = await settled(rig.runtime, alertId);
    const url = `${publicUrl}/webhooks/twilio/status?d=${row!.id}`;
    const params = {
      MessageSid: row!.provider_id!,
      MessageStatus: "failed",
      ErrorCode: "21610",
      AccountSid: rig.sms.accountSid,
    };
    for (const signature of [undefined, twilio.getExpectedTwilioSignature("not-the-token", url, params)]) {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(signature ? { "x-twilio-signature": signature } : {}),
        },
        body: new URLSearchParams(params),
      });
      expect(response.status).toBe(403);
      expect((await response.json()).error.code).toBe("forbidden");
    }
    expect((await ledger(rig.runtime, alertId))[0]!.status).toBe("sent");
  });
});

describe("the unsubscribe link in alert emails", () => {
  it("GET shows a confirmation and changes nothing; a one-click POST without cookies unsubscribes", async () => {
    const id = await addSubscriber(rig.runtime, {
      channel: "email",
      address: "ana@example.org",
      zips: ["94602"],
      language: "es",
    });
    const alertId = await addAlert(rig.runtime, { zips: ["94602"] });
    const before = rig.smtp.messages.length;
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    await settled(rig.runtime, alertId);
    const [mail] = (await rig.smtp.waitFor(before + 1)).slice(before);
    const link = /^<(.+)>$/.exec(mail!.headers["list-unsubscribe"]!)![1]!;
    expect(link.startsWith(`${publicUrl}/unsubscribe/`)).toBe(true);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain("Cancelar la suscripción");
    expect(body).toContain('<form method="post">');
    expect(page.headers.get("set-cookie")).toBeNull();
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await subscriberStatus(id)).toBe("active");

    // RFC 8058: what a mail client sends for one-click unsubscribe. No cookie, no session.
    const oneClick = await fetch(link, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain("Su suscripción fue cancelada");
    expect(await subscriberStatus(id)).toBe("stopped");

    const next = await addAlert(rig.runtime, { zips: ["94602"], kind: "update" });
    const result = await publishAlert({ ctx: rig.runtime, input: { alertId: next } });
    expect(result.deliveries.email).toBe(0);
  });

  it("a forged or mangled token is refused and changes nothing", async () => {
    const id = await addSubscriber(rig.runtime, {
      channel: "email",
      address: "bo@example.org",
      zips: ["94603"],
    });
    const token = unsubscribeToken(rig.runtime.pii, id);
    const forged = `${token.slice(0, 30)}${token[30] === "A" ? "B" : "A"}${token.slice(31)}`;
    for (const bad of [forged, token.slice(0, 20), "../../etc"]) {
      const response = await fetch(`${publicUrl}/unsubscribe/${bad}`, {
        method: "POST",
        body: "List-Unsubscribe=One-Click",
      });
      expect(response.status).toBe(404);
    }
    expect(await subscriberStatus(id)).toBe("active");
    const ok = await fetch(`${publicUrl}/unsubscribe/${token}`, { method: "POST" });
    expect(ok.status).toBe(200);
    expect(await subscriberStatus(id)).toBe("stopped");
  });
});
