/**
 * The approval hash covers everything a resident can see or follow. Properties, with fast-check:
 * any edit an operator can make to a draft (any language's text, the link, priority, target ZIPs,
 * channels, expiry), on a scratch alert, an alert from a sighting, a statement, an update, a
 * cancel and a drill, either is refused and changes nothing, or changes the hash exactly when it
 * changes what residents would get; and any change to what no request can edit (kind, cancel
 * reason, sender, drill flag, the sighting it is tied to) changes the hash too.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { loadAlertRecord } from "../../src/services/alerts/alert-record.ts";
import { buildPreview, canonicalJson } from "../../src/services/alerts/preview-alert.ts";
import {
  appFor,
  type Caller,
  ok,
  refused,
  verifiedSighting as sightingVerified,
  signIn,
} from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const LANGUAGES = ["en", "es", "zh", "vi"] as const;
const ZIPS = ["94601", "94606", "94607", "94610", "94612"];
const TEXTS = {
  en: {
    headline: "Checkpoint on Fruitvale",
    body: "A checkpoint was confirmed.",
    smsText: "Checkpoint on Fruitvale.",
  },
  es: { headline: "Retén en Fruitvale", body: "Se confirmó un retén.", smsText: "Retén en Fruitvale." },
};

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let operator: Caller;
let verifier: Caller;
let comms: Caller;
let otherComms: Caller;
/** The drafts the properties edit, each with who may edit it. */
const drafts: Record<string, { id: string; editor: () => Caller }> = {};
let spareSighting: string;

const verifiedSighting = (place: string) =>
  sightingVerified(
    { operator, verifier },
    {
      place,
      observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      agency: "cbp",
      activity: "checkpoint",
    },
    "photo",
  );

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = appFor(runtime);
  operator = await signIn(runtime, app, "operator");
  verifier = await signIn(runtime, app, "verifier");
  comms = await signIn(runtime, app, "comms");
  otherComms = await signIn(runtime, app, "comms");
  const draft = async (caller: Caller, path: string, body: unknown) =>
    (await ok(caller.request("POST", path, body), Alert, 201)).id;
  const sightingId = await verifiedSighting("Fruitvale Ave & E 12th St");
  spareSighting = await verifiedSighting("Foothill Blvd");
  drafts.scratch = {
    id: await draft(operator, "alerts", { texts: TEXTS, target: { zips: ["94601"] } }),
    editor: () => operator,
  };
  drafts.fromSighting = { id: await draft(operator, "alerts", { sightingId }), editor: () => operator };
  drafts.drill = {
    id: await draft(operator, "alerts", { texts: TEXTS, target: { zips: ["94601"] }, drill: true }),
    editor: () => operator,
  };
  drafts.statement = {
    id: await draft(comms, "statements", {
      texts: TEXTS,
      link: "https://city.example/a",
      target: { zips: ["94612"] },
    }),
    editor: () => comms,
  };
  const published = await draft(operator, "alerts", { sightingId: spareSighting });
  const preview = await ok(verifier.request("GET", `alerts/${published}/preview`), Preview);
  await ok(verifier.request("POST", `alerts/${published}/approve`, { hash: preview.hash }), ApprovalAnswer);
  drafts.update = {
    id: await draft(operator, `alerts/${published}/updates`, { texts: TEXTS }),
    editor: () => operator,
  };
  drafts.cancel = {
    id: (
      await ok(
        operator.request("POST", `alerts/${published}/cancel`, { reason: "all_clear" }),
        ApprovalAnswer,
        201,
      )
    ).alert.id,
    editor: () => operator,
  };
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

// Read as someone of the draft's own organisation: another organisation's staff get 404.
const hashOf = async (id: string, reader: Caller) =>
  (await ok(reader.request("GET", `alerts/${id}/preview`), Preview)).hash;
const alertOf = (id: string, reader: Caller) => ok(reader.request("GET", `alerts/${id}`), Alert);
/** What residents get or can open, as the alert's own record says it. */
const seen = (a: Awaited<ReturnType<typeof alertOf>>) =>
  canonicalJson({
    texts: a.texts,
    link: a.link,
    priority: a.priority,
    targetZips: a.targetZips,
    channels: a.channels,
    expiresAt: a.expiresAt,
    kind: a.kind,
    cancelReason: a.cancelReason,
    drill: a.drill,
    senderOrg: a.senderOrg,
  });

const words = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0);
const anyEdit = fc.oneof(
  fc
    .record({
      language: fc.constantFrom(...LANGUAGES),
      field: fc.constantFrom("headline", "body", "smsText"),
      value: words,
    })
    .map(({ language, field, value }) => ({ texts: { [language]: { [field]: value } } })),
  fc
    .record({ language: fc.constantFrom(...LANGUAGES), headline: words, body: words, smsText: words })
    .map(({ language, ...text }) => ({ texts: { [language]: text } })),
  fc.constantFrom(...LANGUAGES).map((language) => ({ texts: { [language]: null } })),
  fc
    .oneof(fc.constant(null), fc.webUrl({ validSchemes: ["https", "http"], size: "small" }))
    .map((link) => ({ link })),
  fc.constantFrom("alert", "advisory", "community").map((priority) => ({ priority })),
  fc.subarray(ZIPS, { minLength: 1 }).map((zips) => ({ target: { zips } })),
  fc.subarray(["sms", "email", "push"], { minLength: 1 }).map((channels) => ({ channels })),
  fc
    .integer({ min: 5, max: 7 * 24 * 60 - 5 })
    .map((minutes) => ({ expiresAt: new Date(Date.now() + minutes * 60_000).toISOString() })),
);

describe("the approval hash", () => {
  it("moves with every accepted edit that changes what residents get, and with nothing else", async () => {
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(drafts)), anyEdit, async (name, edit) => {
        const draft = drafts[name]!;
        const before = await alertOf(draft.id, draft.editor());
        const hashBefore = await hashOf(draft.id, draft.editor());
        const answer = await draft.editor().request("PATCH", `alerts/${draft.id}`, edit);
        const after = await alertOf(draft.id, draft.editor());
        const hashAfter = await hashOf(draft.id, draft.editor());
        if (answer.status >= 400) {
          expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
          expect(seen(after)).toBe(seen(before));
          expect(hashAfter).toBe(hashBefore);
          return;
        }
        expect(answer.status).toBe(200);
        if (seen(after) !== seen(before)) {
          changed += 1;
          expect(hashAfter, `${name} ${JSON.stringify(edit)}`).not.toBe(hashBefore);
        } else {
          expect(hashAfter, `${name} ${JSON.stringify(edit)}`).toBe(hashBefore);
        }
      }),
      { numRuns: 120 },
    );
    // Most generated edits change something: the property is not passing vacuously.
    expect(changed).toBeGreaterThan(40);
  }, 120_000);

  it("moves with every change no request can make: kind, cancel reason, sender, sighting", async () => {
    const mutation = fc.oneof(
      fc.constantFrom("sighting", "statement", "update", "cancel").map((kind) => ({ kind })),
      fc.constantFrom(null, "all_clear", "false_alarm").map((cancel_reason) => ({ cancel_reason })),
      words.map((sender_org) => ({ sender_org })),
      fc.boolean().map((is_drill) => ({ is_drill })),
      fc.constantFrom(null, "spare").map((s) => ({ sighting_id: s === "spare" ? spareSighting : null })),
    );
    class Rollback extends Error {}
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(drafts)), mutation, async (name, change) => {
        const id = drafts[name]!.id;
        await runtime.db
          .transaction()
          .execute(async (tx) => {
            const before = await loadAlertRecord(tx, id);
            const hashBefore = (await buildPreview(tx, runtime, before)).hash;
            const [column, value] = Object.entries(change)[0]!;
            const same = (before.row as Record<string, unknown>)[column] === value;
            try {
              await tx.updateTable("alerts").set(change).where("id", "=", id).execute();
            } catch {
              throw new Rollback(); // refused by the database (a drill stays a drill): nothing to hash
            }
            const after = await loadAlertRecord(tx, id);
            const hashAfter = (await buildPreview(tx, runtime, after)).hash;
            if (same) expect(hashAfter).toBe(hashBefore);
            else expect(hashAfter, `${name} ${JSON.stringify(change)}`).not.toBe(hashBefore);
            throw new Rollback();
          })
          .catch((error: unknown) => {
            if (!(error instanceof Rollback)) throw error;
          });
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});

describe("the link", () => {
  it("swapped after the verifier previewed, voids the approval; the preview shows it", async () => {
    const draft = await ok(
      comms.request("POST", "statements", {
        texts: { en: { headline: "Know your rights clinic", body: "Free legal help on Saturday." } },
        link: "https://city.example/clinic",
        target: { zips: ["94612"] },
      }),
      Alert,
      201,
    );
    const preview = await ok(otherComms.request("GET", `alerts/${draft.id}/preview`), Preview);
    expect(preview.link).toBe("https://city.example/clinic");
    await ok(comms.request("PATCH", `alerts/${draft.id}`, { link: "https://evil.example/clinic" }), Alert);
    await refused(
      otherComms.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      409,
      "conflict",
    );
    expect((await alertOf(draft.id, otherComms)).status).toBe("draft");
    const again = await ok(otherComms.request("GET", `alerts/${draft.id}/preview`), Preview);
    expect(again.link).toBe("https://evil.example/clinic");
    expect(again.hash).not.toBe(preview.hash);
  });

  it("is shown on the console's approval page", async () => {
    const draft = await ok(
      comms.request("POST", "statements", {
        texts: { en: { headline: "Library hours", body: "Libraries stay open." } },
        link: "https://city.example/libraries",
        target: { zips: ["94612"] },
      }),
      Alert,
      201,
    );
    const page = await app.request(`/console/alerts/${draft.id}`, {
      headers: { cookie: otherComms.cookie! },
    });
    const body = await page.text();
    const shown = body.slice(
      body.indexOf('id="what-is-sent"'),
      body.indexOf("</section>", body.indexOf('id="what-is-sent"')),
    );
    expect(shown).toContain('href="https://city.example/libraries"');
  });
});

describe("an SMS written in GSM-7 to save segments", () => {
  it("is what the preview shows and what its hash covers, with the text as written beside it", async () => {
    // Curly quotes, a dash and an í: UCS-2 as written (three segments), GSM-7 folded (one); the
    // é of Quédese is GSM-7 and stays.
    const smsText =
      "“Quédese adentro” — hay agentes en Fruitvale y la 35th Ave, aquí cerca. No abra la puerta.";
    const draft = await ok(
      operator.request("POST", "alerts", {
        texts: { ...TEXTS, es: { ...TEXTS.es, smsText } },
        target: { zips: ["94601"] },
      }),
      Alert,
      201,
    );
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    const es = preview.languages.find((l) => l.language === "es")!;
    expect(es.smsText).toBe(smsText);
    expect(
      es.sms.text.startsWith(
        'AVISO: "Quédese adentro" - hay agentes en Fruitvale y la 35th Ave, aqui cerca.',
      ),
    ).toBe(true);
    expect(es.sms).toMatchObject({ encoding: "GSM-7", segments: 1, saving: { before: { segments: 3 } } });
    // Chinese and Vietnamese are never folded; English here has nothing to fold.
    expect(preview.languages.find((l) => l.language === "en")!.sms.saving).toBeNull();

    // The hash is over the preview as shown (folded SMS included) and the stored facts: nothing
    // else, so what the approver read is what is hashed, and then sent.
    const row = await runtime.db
      .selectFrom("alerts")
      .select(["target_zips", "channels", "sighting_id"])
      .where("id", "=", draft.id)
      .executeTakeFirstOrThrow();
    const { status: _status, recipients: _recipients, fallbacks: _fallbacks, hash, ...decided } = preview;
    const stored = { targetZips: row.target_zips, channels: row.channels, sightingId: row.sighting_id };
    expect(
      createHash("sha256")
        .update(canonicalJson({ ...decided, stored }))
        .digest("hex"),
    ).toBe(hash);
  });
});

describe("the alert call's script (voice)", () => {
  it("is in the preview in each language and its hash covers it", async () => {
    const draft = await ok(
      operator.request("POST", "alerts", { texts: TEXTS, target: { zips: ["94601"] } }),
      Alert,
      201,
    );
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    const say = Object.fromEntries(preview.languages.map((l) => [l.language, l.voice.say]));
    expect(say).toEqual({ en: "en-US", es: "es-US" });
    const es = preview.languages.find((l) => l.language === "es")!;
    // The message twice, then the keypad choices, in Spanish.
    expect(es.voice.script).toHaveLength(3);
    expect(es.voice.script[0]).toContain(TEXTS.es.headline);
    expect(es.voice.script[1]).toContain(es.voice.script[0]);
    expect(es.voice.script[2]).toContain("Oprima 9");

    const row = await runtime.db
      .selectFrom("alerts")
      .select(["target_zips", "channels", "sighting_id"])
      .where("id", "=", draft.id)
      .executeTakeFirstOrThrow();
    const { status: _status, recipients: _recipients, fallbacks: _fallbacks, hash, ...decided } = preview;
    const stored = { targetZips: row.target_zips, channels: row.channels, sightingId: row.sighting_id };
    const hashOf = (value: unknown) => createHash("sha256").update(canonicalJson(value)).digest("hex");
    expect(hashOf({ ...decided, stored })).toBe(hash);
    // A different script would be a different hash: the script is approved, not only shown.
    const spokenOtherwise = decided.languages.map((l) => ({ ...l, voice: { ...l.voice, script: [] } }));
    expect(hashOf({ ...decided, languages: spokenOtherwise, stored })).not.toBe(hash);
  });
});
