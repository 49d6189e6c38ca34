/**
 * The delivery warm-up (workers/warm-up.ts): it composes each channel's sample message and
 * encrypts a sample push without a word to any provider, and a warm-up that fails is a warning,
 * never a worker that does not start.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleMessage } from "../../workers/dispatch.ts";
import { warmUpDelivery } from "../../workers/warm-up.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";

let rig: DeliveryRig;

beforeAll(async () => {
  rig = await startDeliveryRig();
});

afterAll(async () => {
  await rig.close();
});

describe("delivery warm-up", () => {
  it("composes the SMS, email and push messages as the first alert's would be, and sends nothing", async () => {
    const ctx = rig.runtime;
    expect(sampleMessage(ctx, "sms").text).toMatch(/Warm-up/);
    const mail = sampleMessage(ctx, "email");
    expect(mail.html).toMatch(/Warm-up/);
    expect(mail.headers?.["List-Unsubscribe"]).toMatch(/^<https?:\/\//);
    expect(sampleMessage(ctx, "push").text).toMatch(/Warm-up/);
    const before = rig.runtime.logs.lines.length;
    warmUpDelivery(ctx, ["sms", "email", "push", "whatsapp", "voice"]);
    expect(rig.runtime.logs.lines.slice(before).join("\n")).not.toMatch(/warm-up failed/);
    expect(rig.sms.messages).toHaveLength(0);
    expect(rig.smtp.messages).toHaveLength(0);
    expect(rig.push.received).toHaveLength(0);
  });

  it("logs a failure and carries on", () => {
    const broken = {
      ...rig.runtime,
      pii: new Proxy(rig.runtime.pii, {
        get() {
          throw new Error("no keys");
        },
      }),
    };
    const before = rig.runtime.logs.lines.length;
    expect(() => warmUpDelivery(broken, ["email"])).not.toThrow();
    expect(rig.runtime.logs.lines.slice(before).join("\n")).toMatch(/warm-up failed/);
  });
});
