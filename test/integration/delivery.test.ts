/**
 * End to end: an alert is published, the delivery workers dispatch it, and the three loopback
 * peers receive it — the Twilio message, the parsed mail, the decrypted push — in each resident's
 * language, with the ledger showing each (subscriber, channel) once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { publishAlert } from "../../src/services/alerts/publish.ts";
import { publishRestrictedAlert } from "../../src/services/alerts/publish-restricted.ts";
import { shortAlertPath } from "../../src/services/alerts/short-link.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { addAlert, addSubscriber, settled } from "../support/fanout.ts";

let rig: DeliveryRig;
let workers: { stop(): Promise<void> };
beforeAll(async () => {
  rig = await startDeliveryRig();
  workers = await startDeliveryWorkers(rig.runtime);
});
afterAll(async () => {
  await workers.stop();
  await rig.close();
});

describe("a published alert reaches every channel", () => {
  it("SMS, email and push, each in the resident's language, once", async () => {
    const { runtime } = rig;
    const browser = rig.browser();
    const ids = {
      smsEn: await addSubscriber(runtime, { channel: "sms", address: "+15105550123", zips: ["94607"] }),
      smsEs: await addSubscriber(runtime, {
        channel: "sms",
        address: "+15105550124",
        zips: ["94607", "94612"],
        language: "es",
      }),
      emailZh: await addSubscriber(runtime, {
        channel: "email",
        address: "lin@example.org",
        zips: ["94612"],
        language: "zh",
      }),
      pushVi: await addSubscriber(runtime, {
        channel: "push",
        address: browser.address,
        zips: ["94607"],
        language: "vi",
      }),
    };
    await addSubscriber(runtime, { channel: "sms", address: "+15105550125", zips: ["94601"] }); // outside
    await addSubscriber(runtime, {
      channel: "email",
      address: "gone@example.org",
      zips: ["94607"],
      status: "stopped",
    });
    const alertId = await addAlert(runtime, { zips: ["94607", "94612"], expiresInMs: 2 * 3600_000 });
    // The peers are shared by the file's tests, which run in any order: count from here.
    const before = {
      sms: rig.sms.messages.length,
      mail: rig.smtp.messages.length,
      push: rig.push.received.length,
    };

    const published = performance.now();
    await publishAlert({ ctx: runtime, input: { alertId } });
    const rows = await settled(runtime, alertId);
    const elapsed = performance.now() - published;

    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.status === "sent" && row.provider_id && row.attempts === 1)).toBe(true);
    expect(elapsed).toBeLessThan(5_000);

    // Twilio: the label (ADVISORY: the fixture is an alert from scratch) and text in each language,
    // the callback naming the ledger row.
    const sms = (await rig.sms.waitFor(before.sms + 2)).slice(before.sms);
    expect(sms).toHaveLength(2);
    const byTo = new Map(sms.map((m) => [m.to, m]));
    // …and last the alert page's short link under PUBLIC_URL, in the text's language, which shows
    // that very alert.
    const link = `https://aviso.test${shortAlertPath(alertId, "en")}`;
    expect(byTo.get("+15105550123")!.body).toBe(
      `ADVISORY: ${"Agents confirmed at 7th & Broadway, 9:40. You do not have to open the door."} ${link}`,
    );
    expect(byTo.get("+15105550124")!.body).toMatch(/^AVISO: Agentes confirmados/);
    expect(
      byTo.get("+15105550124")!.body.endsWith(` https://aviso.test${shortAlertPath(alertId, "es")}`),
    ).toBe(true);
    const page = await createApp(rig.runtime).request(new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<link rel="canonical" href="https://aviso.test/alerts/${alertId}">`);
    const smsRow = rows.find((row) => row.subscriber_id === ids.smsEn)!;
    expect(byTo.get("+15105550123")).toMatchObject({
      sid: smsRow.provider_id,
      statusCallback: `https://aviso.test/webhooks/twilio/status?d=${smsRow.id}`,
      messagingServiceSid: "MG00000000000000000000000000000000",
    });
    expect(byTo.get("+15105550123")!.validityPeriod).toBeGreaterThan(7000);
    expect(byTo.get("+15105550123")!.validityPeriod).toBeLessThanOrEqual(7200);

    // Email: parsed by the SMTP peer.
    const mails = (await rig.smtp.waitFor(before.mail + 1)).slice(before.mail);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to).toEqual(["lin@example.org"]);
    expect(mail!.subject).toBe("提示: 移民执法人员在第七街和百老汇");
    expect(mail!.text).toContain("了解您的权利");
    expect(mail!.html).toContain('lang="zh"');
    const unsubscribe = /^<(https:\/\/aviso\.test\/unsubscribe\/[A-Za-z0-9_-]{43})>$/.exec(
      mail!.headers["list-unsubscribe"]!,
    );
    expect(unsubscribe).not.toBeNull();
    expect(unsubscribe![1]).not.toContain("lin");
    expect(mail!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail!.text).toContain(unsubscribe![1]);

    // Push: decrypted by the peer with the browser's private key.
    const pushes = (await rig.push.waitFor(before.push + 1)).slice(before.push);
    expect(pushes).toHaveLength(1);
    const [push] = pushes;
    expect(push!.id).toBe(browser.id);
    expect(JSON.parse(push!.payload)).toEqual({
      alertId,
      label: "KHUYẾN CÁO",
      headline: "Nhân viên di trú tại đường 7 và Broadway",
      url: `https://aviso.test${shortAlertPath(alertId, "vi")}`, // the page in the push's language
      priority: "alert",
      drill: false,
    });
    expect(push!.urgency).toBe("high");
    expect(push!.ttl).toBeGreaterThan(7000);
    expect(Buffer.byteLength(push!.payload)).toBeLessThan(3000);
  });

  it("never logs or enqueues an address", async () => {
    // Its own delivery on every channel, so the logs and the queue have something to give away.
    const { runtime } = rig;
    const browser = rig.browser();
    await addSubscriber(runtime, { channel: "sms", address: "+15105550140", zips: ["94603"] });
    await addSubscriber(runtime, { channel: "email", address: "kim@example.org", zips: ["94603"] });
    await addSubscriber(runtime, { channel: "push", address: browser.address, zips: ["94603"] });
    const alertId = await addAlert(runtime, { zips: ["94603"] });
    await publishAlert({ ctx: runtime, input: { alertId } });
    const rows = await settled(runtime, alertId);
    expect(rows.map((row) => row.status)).toEqual(["sent", "sent", "sent"]);

    const text = runtime.logs.text;
    for (const address of ["+15105550140", "5105550140", "kim@example.org", rig.push.url]) {
      expect(text).not.toContain(address);
    }
    const jobs = await runtime.db
      .selectFrom("pgboss.job" as never)
      .select("data" as never)
      .execute();
    expect(jobs.length).toBeGreaterThan(0);
    expect(JSON.stringify(jobs)).not.toMatch(/5105550140|5105550123|example\.org|endpoint/);
  });

  it("a drill says DRILL; an official statement says so; Advisory pushes are not urgent", async () => {
    const { runtime } = rig;
    await addSubscriber(runtime, { channel: "sms", address: "+15105550130", zips: ["94619"] });
    const browser = rig.browser();
    const pushId = await addSubscriber(runtime, {
      channel: "push",
      address: browser.address,
      zips: ["94619"],
    });
    const drill = await addAlert(runtime, { zips: ["94619"], drill: true, languages: ["en"] });
    const statement = await addAlert(runtime, { zips: ["94619"], kind: "statement", priority: "advisory" });
    const sentBefore = rig.sms.messages.length;
    // A drill reaches only DRILL_ALLOWLIST, through publishRestrictedAlert (publishAlert refuses it).
    const drillAllowlist = { phones: ["+15105550130"], emails: [], subscriberIds: [pushId] };
    const operators = { ...runtime.config.operators, drillAllowlist };
    await publishRestrictedAlert({
      ctx: { ...runtime, config: { ...runtime.config, operators } },
      input: { alertId: drill },
    });
    await settled(runtime, drill);
    await publishAlert({ ctx: runtime, input: { alertId: statement } });
    await settled(runtime, statement);
    const bodies = rig.sms.messages.slice(sentBefore).map((m) => m.body.split(":")[0]);
    expect(bodies).toEqual(["DRILL - ADVISORY", "OFFICIAL CITY STATEMENT"]);
    const pushes = rig.push.received.filter((p) => p.id === browser.id);
    expect(pushes.map((p) => p.urgency)).toEqual(["high", "normal"]);
  });

  it("never sends to a stored push endpoint that is no longer allowed: failed with a reason, no request", async () => {
    const { runtime } = rig;
    // Stored before PUSH_ENDPOINT_HOSTS was narrowed (or written around the API): the same push
    // peer, named "localhost", which the list does not hold. It would answer if asked.
    const allowed = rig.browser();
    const stale = rig.browser();
    const staleAddress = stale.address.replace("https://127.0.0.1:", "https://localhost:");
    expect(staleAddress).not.toBe(stale.address);
    const allowedId = await addSubscriber(runtime, {
      channel: "push",
      address: allowed.address,
      zips: ["94621"],
    });
    const staleId = await addSubscriber(runtime, { channel: "push", address: staleAddress, zips: ["94621"] });
    const before = { connections: rig.push.connections, received: rig.push.received.length };
    const alertId = await addAlert(runtime, { zips: ["94621"] });
    await publishAlert({ ctx: runtime, input: { alertId } });
    const rows = await settled(runtime, alertId);
    const byId = new Map(rows.map((row) => [row.subscriber_id, row]));
    expect(byId.get(allowedId)).toMatchObject({ status: "sent" });
    expect(byId.get(staleId)).toMatchObject({
      status: "failed",
      last_error: "push endpoint not allowed (PUSH_ENDPOINT_HOSTS)",
    });
    expect(rig.push.received.length).toBe(before.received + 1);
    expect(rig.push.received.some((p) => p.id === stale.id)).toBe(false);
    expect(rig.push.rejected.some((p) => p.id === stale.id)).toBe(false);
    expect(rig.push.connections).toBeLessThanOrEqual(before.connections + 1);
    // The subscriber is kept (widening the list again reaches them), and nothing names the endpoint.
    const subscriber = await runtime.db
      .selectFrom("subscribers")
      .select("status")
      .where("id", "=", staleId)
      .executeTakeFirstOrThrow();
    expect(subscriber.status).toBe("active");
    expect(runtime.logs.text).not.toContain("localhost:");
  });
});
