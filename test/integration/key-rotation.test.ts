/**
 * Key rotation while the service runs: addresses, outbox recipients and reporters' callback
 * numbers move to the new PII key and addresses to the new blind-index key, in small batches,
 * while residents text in (new numbers, STOPs, LISTs) through the app configured with both index
 * keys. Afterwards the old keys can go: everything reads and is found with the new ones alone.
 * A second run writes nothing; an interrupted run resumes; duplicate subscribers are merged.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { AppContext } from "../../src/context.ts";
import { addressIndex, openAddress, sealAddress } from "../../src/security/addresses.ts";
import { createPiiCipher, type PiiCipher } from "../../src/security/pii.ts";
import { unsubscribeToken, verifyUnsubscribeToken } from "../../src/security/unsubscribe-token.ts";
import { rotateKeys } from "../../src/services/keys/rotate-keys.ts";
import { REPORTER_CALLBACK_PURPOSE } from "../../src/services/sightings/shape.ts";
import {
  confirmationToken,
  storedConfirmationToken,
  tokenHash,
} from "../../src/services/subscriptions/email-token.ts";
import { signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";

const k1 = { id: "k1", key: randomBytes(32) };
const k2 = { id: "k2", key: randomBytes(32) };
const oldIndexKey = randomBytes(32);
const newIndexKey = randomBytes(32);

const env = (keys: { id: string; key: Buffer }[], index: Buffer) => ({
  PII_ENCRYPTION_KEYS: keys.map(({ id, key }) => `${id}:${key.toString("base64")}`).join(","),
  BLIND_INDEX_KEY: index.toString("base64"),
});

let runtime: TestRuntime;
/** The service before, during and after the rotation: same database, other keys. */
let before: AppContext;
let during: AppContext;
let after: AppContext;
beforeAll(async () => {
  runtime = await createTestRuntime({ env: env([k1], oldIndexKey) });
  before = runtime;
  const withKeys = (pii: PiiCipher): AppContext => ({ ...runtime, pii });
  during = withKeys(createPiiCipher([k2, k1], newIndexKey, oldIndexKey));
  after = withKeys(createPiiCipher([k2], newIndexKey));
});
afterAll(() => runtime.close());

const RESPONDER = "+15105550181";
let serial = 0;
const newNumber = () =>
  `+1510${String(3_000_000 + (serial++ * 7919 + Number(process.pid % 1000))).padStart(7, "0")}`;

async function texts(ctx: AppContext, numbers: string[], body: string) {
  const app = createApp(ctx);
  return Promise.all(numbers.map((number) => phone(app, ctx, number).send(body)));
}

/** Every sealed value in the database opens with `pii` alone, and is indexed under its key. */
async function readableWith(pii: PiiCipher): Promise<number> {
  const subscribers = await runtime.db.selectFrom("subscribers").selectAll().execute();
  for (const row of subscribers) {
    const address = openAddress(pii, row.channel, row);
    expect(Buffer.from(row.address_index).equals(addressIndex(pii, row.channel, address))).toBe(true);
  }
  const outbox = await runtime.db.selectFrom("outbox").selectAll().execute();
  for (const row of outbox) {
    const purpose = `subscriber-address:${row.channel}`;
    const to = pii.decrypt({ ciphertext: row.recipient_ciphertext, keyId: row.recipient_key_id }, purpose);
    expect(Buffer.from(row.recipient_index).equals(pii.blindIndex(to, purpose))).toBe(true);
  }
  const sightings = await runtime.db
    .selectFrom("sightings")
    .select(["reporter_callback_ciphertext", "reporter_callback_key_id"])
    .where("reporter_callback_ciphertext", "is not", null)
    .execute();
  for (const row of sightings) {
    pii.decrypt(
      { ciphertext: row.reporter_callback_ciphertext!, keyId: row.reporter_callback_key_id! },
      REPORTER_CALLBACK_PURPOSE,
    );
  }
  const responders = await runtime.db.selectFrom("responders").selectAll().execute();
  for (const row of responders) {
    const number = openAddress(pii, "sms", {
      address_ciphertext: row.phone_ciphertext,
      address_key_id: row.phone_key_id,
    });
    expect(Buffer.from(row.phone_index).equals(addressIndex(pii, "sms", number))).toBe(true);
  }
  return subscribers.length + outbox.length + sightings.length + responders.length;
}

describe("aviso keys rotate", () => {
  const residents: string[] = [];

  it("moves every sealed value to the new keys while residents keep texting", async () => {
    // Before: residents subscribed, alerts in the local outbox, a caller's number on a sighting.
    for (let i = 0; i < 30; i += 1) residents.push(newNumber());
    const subscribed = await texts(before, residents, "94607 94612");
    expect(subscribed.every((answer) => answer.status === 200)).toBe(true);
    for (const number of residents.slice(0, 10)) {
      await before.senders.sms.send({ channel: "sms", to: number, text: "An alert" });
    }
    const operator = await signIn(before, createApp(before), "operator");
    const sighting = await operator.request("POST", "sightings", {
      zip: "94607",
      place: "International Blvd",
      observedAt: new Date().toISOString(),
      agency: "ice",
      activity: "sweep",
      source: "hotline_call",
      reporterCallback: "(510) 555-0177",
    });
    expect(sighting.status, JSON.stringify(sighting.body)).toBe(201);
    // A responder on the roster (their invitation is one more outbox message).
    const invited = await operator.request("POST", "responders", {
      name: "Rotating responder",
      phone: RESPONDER,
      languages: ["en"],
      zips: ["94607"],
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);

    // During: the service runs with both index keys while the rotation walks in batches of 7.
    const newcomers = Array.from({ length: 10 }, newNumber);
    const stopping = residents.slice(0, 5);
    const [report] = await Promise.all([
      rotateKeys({ ctx: during, input: { batchSize: 7 } }),
      texts(during, newcomers, "94601"),
      texts(during, stopping, "STOP"),
      texts(during, residents.slice(5, 15), "LIST"),
    ]);
    expect(report.subscribers.failed + report.outbox.failed + report.sightings.failed).toBe(0);
    expect(report.outbox.reencrypted).toBe(11);
    expect(report.responders).toMatchObject({ reencrypted: 1, reindexed: 1, failed: 0 });
    expect(report.sightings.reencrypted).toBe(1);

    // A second run finds nothing left to do (and picks up anything the first met mid-change).
    const again = await rotateKeys({ ctx: during, input: { batchSize: 7 } });
    const again2 = await rotateKeys({ ctx: during, input: { batchSize: 7 } });
    for (const table of Object.values(again2)) {
      expect(table.reencrypted + table.reindexed + table.merged + table.raced + table.failed).toBe(0);
    }
    expect(again.subscribers.failed).toBe(0);

    // After: the old keys are gone, and everything still opens and is found.
    expect(await readableWith(createPiiCipher([k2], newIndexKey))).toBeGreaterThan(40);
    const sms = await runtime.db
      .selectFrom("subscribers")
      .select("id")
      .where("channel", "=", "sms")
      .execute();
    expect(sms).toHaveLength(residents.length + newcomers.length);
    // The responder's number is still recognised, by its new index alone.
    const [joined] = await texts(after, [RESPONDER], "YES");
    expect(joined!.messages[0]).toMatch(/on the responder roster/);
    const stopped = await texts(after, stopping, "LIST");
    expect(stopped.every((answer) => answer.messages.length === 0)).toBe(true);
    const listed = await texts(after, residents.slice(5, 8), "LIST");
    for (const answer of listed) expect(answer.messages.join(" ")).toMatch(/94607.*94612/);
    const newcomer = await texts(after, newcomers.slice(0, 1), "LIST");
    expect(newcomer[0]!.messages.join(" ")).toMatch(/94601/);
  });

  it("resumes an interrupted run where it stopped", async () => {
    const more = Array.from({ length: 12 }, newNumber);
    await texts(before, more, "94606");
    const partial = await rotateKeys({ ctx: during, input: { batchSize: 5, maxBatches: 1 } });
    expect(partial.subscribers.scanned).toBe(5);
    const rest = await rotateKeys({ ctx: during, input: { batchSize: 5 } });
    expect(partial.subscribers.reencrypted + rest.subscribers.reencrypted).toBe(12);
    await readableWith(createPiiCipher([k2], newIndexKey));
  });

  it("merges an address that a stale process subscribed a second time under the other index key", async () => {
    const number = newNumber();
    await texts(before, [number], "94609");
    // A process without the previous key did not find it, and enrolled it again.
    const twin = await runtime.db
      .insertInto("subscribers")
      .values({
        channel: "sms",
        ...sealAddress(after.pii, "sms", number),
        language: "en",
        status: "active",
        updated_at: new Date(),
        stopped_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await runtime.db.insertInto("subscriptions").values({ subscriber_id: twin.id, zip: "94610" }).execute();

    const report = await rotateKeys({ ctx: during, input: { batchSize: 50 } });
    expect(report.subscribers.merged).toBe(1);
    const rows = await runtime.db
      .selectFrom("subscribers")
      .select("id")
      .where("address_index", "=", addressIndex(after.pii, "sms", number))
      .execute();
    expect(rows.map((row) => row.id)).toEqual([twin.id]);
    const zips = await runtime.db
      .selectFrom("subscriptions")
      .select("zip")
      .where("subscriber_id", "=", twin.id)
      .orderBy("zip")
      .execute();
    expect(zips.map((row) => row.zip)).toEqual(["94609", "94610"]);
  });

  it("keeps links mailed under the old index key working while it is the previous key", () => {
    const id = "5f0c8a52-4b7e-4d55-9a11-3c2f5e6d7a80";
    const mailed = unsubscribeToken(before.pii, id);
    expect(verifyUnsubscribeToken(during.pii, mailed)).toBe(id);
    expect(verifyUnsubscribeToken(after.pii, mailed)).toBeNull();
    const token = confirmationToken(before.pii, id);
    expect(storedConfirmationToken(during.pii, id, tokenHash(token))).toBe(token);
  });

  it("counts login failures under both index keys, so a rotation does not lift a lock", async () => {
    const app = createApp(before);
    const email = `rotation.${Date.now()}@hotline.test`;
    await signIn(before, app, "verifier", { email });
    for (let i = 0; i < 5; i += 1) {
      await app.request("/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "wrong password, long enough" }),
      });
    }
    const locked = await createApp(during).request("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "correct horse battery staple" }),
    });
    expect(locked.status).toBe(429);
  });
});
