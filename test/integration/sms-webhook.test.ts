// POST /webhooks/twilio/sms as Twilio and as an attacker would use it: signatures (computed with
// the twilio package itself, including behind a TLS-terminating proxy), retries and concurrent
// duplicates, oversized bodies, fuzzed bodies, and the reply rate limits.
import fc from "fast-check";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Clock } from "../../src/context.ts";
import { webhookAuthToken } from "../../src/http/twilio-webhook.ts";
import { parseInbound } from "../../src/sms/keywords.ts";
import { startedReply, stoppedReply, subscribedReply, usNumbersOnlyReply } from "../../src/sms/replies.ts";
import { twimlMessages } from "../../src/sms/twiml.ts";
import { addressForms, dumpEverything } from "../support/privacy.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import {
  INTERNAL_ORIGIN,
  newMessageSid,
  phone,
  signedSmsRequest,
  smsParams,
  WEBHOOK_PATH,
} from "../support/sms-webhook.ts";
import { countRows, subscriberState } from "../support/subscribers.ts";

const used = new Set<string>();
let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
let next = 100;

function newNumber(): string {
  // Fictional 555-01xx numbers across a few area codes, so the fuzzer has enough of them.
  const areas = ["510", "415", "213", "312", "206", "617", "305", "512"];
  const n = next++;
  const number = `+1${areas[Math.floor(n / 100) % areas.length]}55501${String(n % 100).padStart(2, "0")}`;
  used.add(number);
  return number;
}

beforeAll(async () => {
  runtime = await createTestRuntime({
    env: { SMS_REPLY_LIMIT_PER_NUMBER: "1000", SMS_REPLY_LIMIT_PER_MINUTE: "100000" },
  });
  app = createApp(runtime);
});
afterAll(() => runtime.close());

async function writtenRows() {
  return {
    subscribers: await countRows(runtime, "subscribers"),
    inbound: await countRows(runtime, "inbound_messages"),
    consent: await countRows(runtime, "consent_events"),
  };
}

describe("the signature", () => {
  it("is checked against PUBLIC_URL + path, so a request forwarded by a TLS-terminating proxy passes", async () => {
    expect(runtime.config.publicUrl).toBe("https://aviso.test");
    const number = newNumber();
    const params = smsParams(number, "94607");
    const signature = twilio.getExpectedTwilioSignature(
      webhookAuthToken(runtime),
      `https://aviso.test${WEBHOOK_PATH}`,
      params,
    );
    expect(
      twilio.validateRequest(
        webhookAuthToken(runtime),
        signature,
        `https://aviso.test${WEBHOOK_PATH}`,
        params,
      ),
    ).toBe(true);
    // What reached us: plain http on an internal host name, as the proxy forwarded it.
    const res = await app.fetch(
      signedSmsRequest(runtime, params, { origin: "http://10.0.3.7:8787", signature }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/xml/);
    expect(twimlMessages(await res.text())).toEqual([
      subscribedReply("en", { program: "Aviso", zips: ["94607"] }),
    ]);
  });

  it("answers 403 and writes nothing when the signature is missing, wrong, or for another URL or body", async () => {
    const token = webhookAuthToken(runtime);
    const params = smsParams(newNumber(), "94607");
    const before = await writtenRows();
    const cases: [string, string | null, Record<string, string>][] = [
      ["missing", null, params],
      ["garbage", "not-a-signature", params],
      ["empty", "", params],
      [
        "signed over the internal URL",
        twilio.getExpectedTwilioSignature(token, INTERNAL_ORIGIN + WEBHOOK_PATH, params),
        params,
      ],
      [
        "signed over http://",
        twilio.getExpectedTwilioSignature(token, `http://aviso.test${WEBHOOK_PATH}`, params),
        params,
      ],
      [
        "another token",
        twilio.getExpectedTwilioSignature("another-token", `https://aviso.test${WEBHOOK_PATH}`, params),
        params,
      ],
      [
        "body changed after signing",
        twilio.getExpectedTwilioSignature(token, `https://aviso.test${WEBHOOK_PATH}`, params),
        { ...params, Body: "94601" },
      ],
      [
        "sender changed after signing",
        twilio.getExpectedTwilioSignature(token, `https://aviso.test${WEBHOOK_PATH}`, params),
        { ...params, From: "+15105550199" },
      ],
    ];
    for (const [name, signature, sent] of cases) {
      const res = await app.fetch(signedSmsRequest(runtime, sent, { signature }));
      expect(res.status, name).toBe(403);
      expect((await res.json()).error.code, name).toBe("forbidden");
    }
    expect(await writtenRows()).toEqual(before);
  });

  it("uses TWILIO_AUTH_TOKEN when Twilio is configured, and only it", async () => {
    const authToken = "0123456789abcdef0123456789abcdef";
    const live = {
      ...runtime,
      config: {
        ...runtime.config,
        sms: { accountSid: "AC00000000000000000000000000000000", authToken, from: "+15105550100" },
      },
    };
    const liveApp = createApp(live);
    const params = smsParams(newNumber(), "94607");
    const url = `https://aviso.test${WEBHOOK_PATH}`;
    const localSignature = twilio.getExpectedTwilioSignature(webhookAuthToken(runtime), url, params);
    const local = await liveApp.fetch(signedSmsRequest(live, params, { signature: localSignature }));
    expect(local.status).toBe(403);
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    expect((await liveApp.fetch(signedSmsRequest(live, params, { signature }))).status).toBe(200);
  });

  it("answers a signed request without a MessageSid or From with 400 and writes nothing", async () => {
    const before = await writtenRows();
    const invalid: Record<string, string>[] = [
      { From: newNumber(), Body: "94607" },
      { MessageSid: newMessageSid(), Body: "94607" },
      { MessageSid: "SM<script>", From: newNumber(), Body: "94607" },
    ];
    for (const params of invalid) {
      const res = await app.fetch(signedSmsRequest(runtime, params));
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("validation_failed");
    }
    expect(await writtenRows()).toEqual(before);
  });

  it("refuses a body that is not a form with 415", async () => {
    const res = await app.request(WEBHOOK_PATH, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(smsParams(newNumber(), "94607")),
    });
    expect(res.status).toBe(415);
  });
});

describe("oversized bodies", () => {
  const huge = () => new URLSearchParams(smsParams(newNumber(), "x".repeat(70_000))).toString();

  it("get 413 when the length is declared", async () => {
    const body = huge();
    const res = await app.request(WEBHOOK_PATH, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length) },
      body,
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
  });

  it("get 413 when the body is streamed without a length", async () => {
    const bytes = new TextEncoder().encode(huge());
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
        controller.close();
      },
    });
    const res = await app.fetch(
      new Request(INTERNAL_ORIGIN + WEBHOOK_PATH, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: stream,
        duplex: "half",
      } as RequestInit & { duplex: "half" }),
    );
    expect(res.status).toBe(413);
  });
});

describe("Twilio's retries", () => {
  it("the same signed message five times at once: one subscription, one reply, the same answer each time", async () => {
    const number = newNumber();
    const params = smsParams(number, "94607 94601");
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => app.fetch(signedSmsRequest(runtime, params))),
    );
    const bodies = await Promise.all(responses.map((res) => res.text()));
    expect(responses.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    const expected = [subscribedReply("en", { program: "Aviso", zips: ["94601", "94607"] })];
    for (const body of bodies) expect(twimlMessages(body)).toEqual(expected);
    const state = await subscriberState(runtime, number);
    expect(state).toMatchObject({ status: "active", zips: ["94601", "94607"] });
    const inbound = await runtime.db
      .selectFrom("inbound_messages")
      .select(["command", "reply"])
      .where("message_sid", "=", params.MessageSid!)
      .execute();
    expect(inbound).toEqual([{ command: "subscribe", reply: expected }]);
    const consent = await runtime.db
      .selectFrom("consent_events")
      .select("kind")
      .where("subscriber_id", "=", state!.id)
      .execute();
    expect(consent).toEqual([{ kind: "opt_in" }]);

    // Later, again: still the same answer, still one effect.
    const again = await app.fetch(signedSmsRequest(runtime, params));
    expect(twimlMessages(await again.text())).toEqual(expected);
    expect(await subscriberState(runtime, number)).toEqual(state);
  });

  it("a retried STOP gets the same confirmation, not silence, and stops once", async () => {
    const texter = phone(app, runtime, newNumber());
    await texter.send("94607");
    const sid = newMessageSid();
    const first = await texter.send("STOP", sid);
    const retry = await texter.send("STOP", sid);
    expect(first.messages).toEqual([stoppedReply("en", { program: "Aviso" })]);
    expect(retry.messages).toEqual(first.messages);
    expect((await texter.send("STOP")).messages).toEqual([]);
    const state = await subscriberState(runtime, texter.number);
    const optOuts = await runtime.db
      .selectFrom("consent_events")
      .select("kind")
      .where("subscriber_id", "=", state!.id)
      .where("kind", "=", "opt_out")
      .execute();
    expect(optOuts).toHaveLength(1);
  });

  it("different messages from one new number at once are all applied, to one subscriber", async () => {
    const number = newNumber();
    const results = await Promise.all(
      ["94601", "94602", "94603", "94604"].map((zip) => phone(app, runtime, number).send(zip)),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await subscriberState(runtime, number)).toMatchObject({
      zips: ["94601", "94602", "94603", "94604"],
    });
  });
});

describe("messages from one subscriber at once", () => {
  it("are applied one after the other, each reply seeing what the ones before it did", async () => {
    const number = newNumber();
    await phone(app, runtime, number).send("94601");
    const adds = ["94602", "94603", "94604", "94605"];
    const results = await Promise.all(adds.map((zip) => phone(app, runtime, number).send(`ADD ${zip}`)));
    expect(await subscriberState(runtime, number)).toMatchObject({ zips: ["94601", ...adds] });
    // "Added X. You now get alerts for …": one reply saw 2 ZIPs, the next 3, then 4, then 5.
    const sizes = results.map(
      ({ messages }) =>
        /You now get alerts for (.*)\. Reply/.exec(messages[0] ?? "")?.[1]?.split(", ").length,
    );
    expect(sizes.sort()).toEqual([2, 3, 4, 5]);
  });
});

describe("fuzzed bodies", () => {
  const sentence = fc
    .tuple(
      fc.constantFrom(
        "ICE at",
        "agents on",
        "I saw trucks near",
        "hay agentes en",
        "在",
        "có ICE ở",
        "what about",
      ),
      fc.constantFrom("Broadway", "the school", "la tienda", "7th St", "chợ"),
      fc.constantFrom("in", "en", "near", "zip"),
      fc.integer({ min: 94601, max: 94621 }),
      fc.constantFrom("", "right now", "??", "ahora", "!!!", "please help"),
    )
    .map(([a, b, c, zip, d]) => `${a} ${b} ${c} ${zip} ${d}`.trim());
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "grapheme", maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 400 }),
    fc.stringMatching(/^[0-9 ,.-]{0,40}$/),
    fc.constantFrom(
      "",
      " ",
      "\u0000",
      "<Message>hi</Message>",
      "]]>",
      "&amp;",
      "STOP".repeat(100),
      "a@b",
      "@@@",
    ),
  );

  it("never answer with a 5xx, always answer with TwiML, and never subscribe unless asked to", async () => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const number = newNumber();
        const res = await app.fetch(signedSmsRequest(runtime, smsParams(number, text)));
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) return;
        expect(await res.text()).toMatch(
          /^<\?xml version="1.0" encoding="UTF-8"\?><Response(\/>|>.*<\/Response>)$/s,
        );
        const state = await subscriberState(runtime, number);
        const command = parseInbound(text).kind;
        if (state && state.zips.length > 0) expect(["subscribe", "add_zip"]).toContain(command);
      }),
      { numRuns: 120 },
    );
  });

  it("never subscribe a ZIP mentioned inside a report", async () => {
    await fc.assert(
      fc.asyncProperty(sentence, async (text) => {
        const number = newNumber();
        const { status } = await phone(app, runtime, number).send(text);
        expect(status).toBe(200);
        expect(await subscriberState(runtime, number), text).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  it("never answer a 5xx to fuzzed form fields either", async () => {
    const field = fc.string({ unit: "binary", maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(field, field, field, async (sid, from, text) => {
        const res = await app.fetch(signedSmsRequest(runtime, { MessageSid: sid, From: from, Body: text }));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 80 },
    );
  });
});

describe("opting out, however the message goes on", () => {
  // Issue 14: "STOP" and a run of emoji was read as unknown and the number stayed subscribed.
  it.each([
    ["STOP and 200 emoji", `STOP ${"😀🙏".repeat(100)}`, "en"],
    ["STOP and 5,000 emoji (close to the 64 KiB form limit)", `STOP${"😀".repeat(5000)}`, "en"],
    [
      "ＳＴＯＰ (full width) and a long complaint",
      `ＳＴＯＰ！ ${"I never signed up for this. ".repeat(100)}`,
      "en",
    ],
    ["Alto and a long tail", `Alto ${"ya no quiero mensajes ".repeat(60)}`, "es"],
  ] as const)("%s: stops the number and confirms", async (_, body, lang) => {
    const texter = phone(app, runtime, newNumber());
    expect((await texter.send("94607")).messages).toHaveLength(1);
    const answer = await texter.send(body);
    expect(answer.status).toBe(200);
    expect(answer.messages).toEqual([stoppedReply(lang, { program: "Aviso" })]);
    expect(await subscriberState(runtime, texter.number)).toMatchObject({ status: "stopped" });
  });

  it('does not stop a number that writes "don\'t stop"', async () => {
    const texter = phone(app, runtime, newNumber());
    await texter.send("94607");
    for (const body of ["don't stop", "Please don't stop the alerts 🙏", "never stop"]) {
      expect((await texter.send(body)).status).toBe(200);
      expect(await subscriberState(runtime, texter.number), body).toMatchObject({ status: "active" });
    }
  });
});

describe("rate limits", () => {
  function limited(
    limits: { perNumber: number; windowSeconds?: number; global: number; refusals?: number },
    clock: Clock,
  ) {
    const ctx = {
      ...runtime,
      clock,
      config: {
        ...runtime.config,
        inboundSms: {
          ...runtime.config.inboundSms,
          perNumber: { limit: limits.perNumber, windowSeconds: limits.windowSeconds ?? 600 },
          globalPerMinute: limits.global,
          refusalsPerMinute: limits.refusals ?? 10,
        },
      },
    };
    return { ctx, app: createApp(ctx) };
  }
  const clockAt = (iso: string) => {
    let now = new Date(iso);
    return { now: () => now, set: (value: string) => (now = new Date(value)) };
  };

  it("answer a number at most N times per window, but still apply what it sends; STOP is always confirmed", async () => {
    const clock = clockAt("2030-01-01T10:00:05Z");
    const { ctx, app: scoped } = limited({ perNumber: 3, global: 1000 }, clock);
    const texter = phone(scoped, ctx, newNumber());
    expect((await texter.send("94607")).messages).toHaveLength(1);
    expect((await texter.send("LIST")).messages).toHaveLength(1);
    expect((await texter.send("HELP")).messages).toHaveLength(1);
    expect((await texter.send("ADD 94606")).messages).toEqual([]);
    expect(await subscriberState(runtime, texter.number)).toMatchObject({ zips: ["94606", "94607"] });
    expect((await texter.send("LIST")).messages).toEqual([]);
    expect((await texter.send("STOP")).messages).toEqual([stoppedReply("en", { program: "Aviso" })]);
    expect(await subscriberState(runtime, texter.number)).toMatchObject({ status: "stopped" });
    clock.set("2030-01-01T10:10:05Z"); // the next window
    expect((await texter.send("START")).messages).toEqual([
      startedReply("en", { program: "Aviso", zips: ["94606", "94607"] }),
    ]);
  });

  it("answer at most N reply messages per minute in all, still applying everything", async () => {
    const clock = clockAt("2030-02-01T10:00:05Z");
    const { ctx, app: scoped } = limited({ perNumber: 100, global: 4 }, clock);
    const replies: number[] = [];
    const numbers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const number = newNumber();
      numbers.push(number);
      replies.push((await phone(scoped, ctx, number).send("94607")).messages.length);
    }
    expect(replies).toEqual([1, 1, 1, 1, 0, 0]);
    for (const number of numbers)
      expect(await subscriberState(runtime, number)).toMatchObject({ zips: ["94607"] });
    // A reply of two messages is one reply.
    clock.set("2030-02-01T10:01:05Z");
    expect((await phone(scoped, ctx, newNumber()).send("94607 00000")).messages).toHaveLength(2);
    for (let i = 0; i < 3; i++) {
      expect((await phone(scoped, ctx, newNumber()).send("HELP")).messages).toHaveLength(1);
    }
    expect((await phone(scoped, ctx, newNumber()).send("HELP")).messages).toEqual([]);
    clock.set("2030-02-01T10:02:05Z");
    expect((await phone(scoped, ctx, newNumber()).send("94607")).messages).toHaveLength(1);
  });

  it("answer a number outside the supported countries once per window, however often it texts", async () => {
    const clock = clockAt("2030-04-01T10:00:05Z");
    const { ctx, app: scoped } = limited({ perNumber: 10, global: 1000, refusals: 100 }, clock);
    const uk = phone(scoped, ctx, "+442071234567");
    const refusal = usNumbersOnlyReply("en", { program: "Aviso" });
    const replies: string[] = [];
    for (let i = 0; i < 40; i++) replies.push(...(await uk.send(i % 2 ? "HELP" : "94607")).messages);
    expect(replies).toEqual([refusal]);
    // Another number gets its own refusal; a number written another way is the same number.
    expect((await phone(scoped, ctx, "+442071234568").send("94607")).messages).toEqual([refusal]);
    expect((await phone(scoped, ctx, "+44 20 7123 4567").send("94607")).messages).toEqual([]);
    clock.set("2030-04-01T10:10:05Z"); // the next window
    expect((await uk.send("94607")).messages).toEqual([refusal]);
    expect((await uk.send("94607")).messages).toEqual([]);
  });

  it("never let refusals to unsupported numbers use up the replies residents need", async () => {
    const clock = clockAt("2030-05-01T10:00:05Z");
    const { ctx, app: scoped } = limited({ perNumber: 10, global: 4, refusals: 2 }, clock);
    const refused: number[] = [];
    for (let i = 0; i < 10; i++) {
      const foreign = `+4420712345${String(10 + i)}`;
      refused.push((await phone(scoped, ctx, foreign).send("94607")).messages.length);
    }
    expect(refused).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const residents: number[] = [];
    for (let i = 0; i < 5; i++)
      residents.push((await phone(scoped, ctx, newNumber()).send("94607")).messages.length);
    expect(residents).toEqual([1, 1, 1, 1, 0]);
    clock.set("2030-05-01T10:01:05Z"); // the next minute: refusals again, one per number
    expect((await phone(scoped, ctx, "+442071234599").send("94607")).messages).toHaveLength(1);
  });

  it("confirm a number's first STOP of a window always, and repeated ones not again", async () => {
    const clock = clockAt("2030-06-01T10:00:05Z");
    const { ctx, app: scoped } = limited({ perNumber: 3, global: 1000 }, clock);
    const confirmation = stoppedReply("en", { program: "Aviso" });
    const texter = phone(scoped, ctx, newNumber());
    expect((await texter.send("94607")).messages).toHaveLength(1);
    expect((await texter.send("STOP")).messages).toEqual([confirmation]);
    // STOP, START, STOP…: every STOP and START is applied; the STOPs are not confirmed again.
    for (let i = 0; i < 6; i++) {
      await texter.send("START");
      expect(await subscriberState(runtime, texter.number)).toMatchObject({ status: "active" });
      expect((await texter.send("STOP")).messages).toEqual([]);
      expect(await subscriberState(runtime, texter.number)).toMatchObject({ status: "stopped" });
    }
    clock.set("2030-06-01T10:10:05Z"); // the next window
    await texter.send("START");
    expect((await texter.send("STOP")).messages).toEqual([confirmation]);

    // A number that never subscribed: one confirmation per window too.
    const stranger = phone(scoped, ctx, newNumber());
    const replies: string[] = [];
    for (let i = 0; i < 10; i++) replies.push(...(await stranger.send(i % 2 ? "Stop" : "STOP")).messages);
    expect(replies).toEqual([confirmation]);
  });

  it("do not let one noisy number use up everyone's replies", async () => {
    const clock = clockAt("2030-03-01T10:00:05Z");
    const { ctx, app: scoped } = limited({ perNumber: 2, global: 5 }, clock);
    const noisy = phone(scoped, ctx, newNumber());
    for (let i = 0; i < 10; i++) await noisy.send("HELP");
    expect((await phone(scoped, ctx, newNumber()).send("94607")).messages).toHaveLength(1);
  });
});

describe("privacy", () => {
  it("leaves no test number in clear anywhere in the database or the logs", async () => {
    const dump = await dumpEverything(runtime);
    expect(used.size).toBeGreaterThan(100);
    for (const number of used) {
      for (const form of addressForms(number)) {
        expect(dump, `dump contains ${form}`).not.toContain(form);
        expect(runtime.logs.text, `logs contain ${form}`).not.toContain(form);
      }
    }
  });
});
