// Text-a-ZIP, the keyword table end to end: every message goes through POST /webhooks/twilio/sms,
// signed with the twilio package's own signature function, and every reply is checked word for
// word against the reply texts, in English, Spanish, Chinese and Vietnamese.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { parseServiceArea } from "../../src/config.ts";
import type { Language } from "../../src/i18n/languages.ts";
import {
  addedZipReply,
  helpReply,
  languageChangedReply,
  listReply,
  nothingToStartReply,
  notSubscribedToZipReply,
  removedZipReply,
  startedReply,
  stoppedReply,
  subscribedReply,
  tooManyZipsReply,
  unknownCommandReply,
  unknownZipReply,
  usNumbersOnlyReply,
} from "../../src/sms/replies.ts";
import { runHousekeeping } from "../../workers/housekeeping.ts";
import { addressForms, dumpEverything } from "../support/privacy.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";
import { countRows, subscriberState } from "../support/subscribers.ts";

const program = "Oakland Rapid Response";
const hotline = "(510) 555-0100";
const example = "94607";
/** Every number this file texts from; none may be left in clear anywhere. */
const used = new Set<string>();
let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
let next = 110;

function newPhone(context = runtime, application = app) {
  const number = `+1510555${String(next++).padStart(4, "0")}`;
  used.add(number);
  return phone(application, context, number);
}

beforeAll(async () => {
  // The reply limits have their own tests (sms-webhook.test.ts); here a conversation may run long.
  runtime = await createTestRuntime({
    env: { PROGRAM_NAME: program, PROGRAM_HOTLINE: hotline, SMS_REPLY_LIMIT_PER_NUMBER: "100" },
  });
  app = createApp(runtime);
});
afterAll(() => runtime.close());

type Step = {
  send: string;
  reply: (lang: Language) => string[];
  state?: { status?: string; zips?: string[]; language?: Language };
};

/** The keyword table, as one resident's conversation, with each language's own keywords. */
const KEYWORDS: Record<
  Language,
  {
    subscribe: string;
    list: string;
    remove: string;
    add: string;
    removeOther: string;
    help: string;
    chatter: string;
    stop: string;
    start: string;
  }
> = {
  en: {
    subscribe: "94607 94601",
    list: "LIST",
    remove: "REMOVE 94601",
    add: "ADD 94606",
    removeOther: "STOP 94605",
    help: "HELP",
    chatter: "what is this",
    stop: "STOP",
    start: "START",
  },
  es: {
    subscribe: "94607 y 94601",
    list: "LISTA",
    remove: "QUITAR 94601",
    add: "AGREGAR 94606",
    removeOther: "QUITAR 94605",
    help: "AYUDA",
    chatter: "hola que tal",
    stop: "ALTO",
    start: "INICIO",
  },
  zh: {
    subscribe: "邮编 94607 94601",
    list: "列表",
    remove: "删除 94601",
    add: "添加 94606",
    removeOther: "删除 94605",
    help: "帮助",
    chatter: "你好吗",
    stop: "退订",
    start: "开始",
  },
  vi: {
    subscribe: "ĐĂNG KÝ 94607 94601",
    list: "DANH SÁCH",
    remove: "XÓA 94601",
    add: "THÊM 94606",
    removeOther: "XÓA 94605",
    help: "TRỢ GIÚP",
    chatter: "xin chào bạn",
    stop: "DỪNG",
    start: "BẮT ĐẦU",
  },
};

function conversation(lang: Language): Step[] {
  const k = KEYWORDS[lang];
  return [
    {
      send: k.subscribe,
      reply: (l) => [subscribedReply(l, { program, zips: ["94601", "94607"] })],
      state: { status: "active", zips: ["94601", "94607"], language: lang },
    },
    { send: k.list, reply: (l) => [listReply(l, { program, zips: ["94601", "94607"], status: "active" })] },
    {
      send: k.remove,
      reply: (l) => [removedZipReply(l, { program, zips: ["94601"], remaining: ["94607"] })],
      state: { zips: ["94607"] },
    },
    {
      send: k.add,
      reply: (l) => [addedZipReply(l, { program, zips: ["94606"], all: ["94606", "94607"] })],
      state: { zips: ["94606", "94607"] },
    },
    {
      send: k.removeOther,
      reply: (l) => [notSubscribedToZipReply(l, { program, zips: ["94605"], current: ["94606", "94607"] })],
      state: { zips: ["94606", "94607"] },
    },
    { send: k.help, reply: (l) => [helpReply(l, { program, hotline })] },
    {
      send: "00000",
      reply: (l) => [unknownZipReply(l, { program, zips: ["00000"], example })],
      state: { zips: ["94606", "94607"] },
    },
    { send: k.chatter, reply: (l) => [unknownCommandReply(l, { program, example, hotline })] },
    {
      send: k.stop,
      reply: (l) => [stoppedReply(l, { program })],
      state: { status: "stopped", zips: ["94606", "94607"], language: lang },
    },
    // Stopped: nothing of any kind until they opt in again.
    { send: k.help, reply: () => [], state: { status: "stopped" } },
    { send: k.list, reply: () => [] },
    { send: k.stop, reply: () => [] },
    { send: k.chatter, reply: () => [] },
    {
      send: k.start,
      reply: (l) => [startedReply(l, { program, zips: ["94606", "94607"] })],
      state: { status: "active", zips: ["94606", "94607"], language: lang },
    },
  ];
}

describe("done when", () => {
  it("a resident subscribes to two ZIPs, lists them, drops one, switches to Spanish, stops and starts again", async () => {
    const texter = newPhone();
    const steps: [string, string][] = [
      ["94607 94601", subscribedReply("en", { program, zips: ["94601", "94607"] })],
      ["LIST", listReply("en", { program, zips: ["94601", "94607"], status: "active" })],
      ["REMOVE 94601", removedZipReply("en", { program, zips: ["94601"], remaining: ["94607"] })],
      ["ESPAÑOL", languageChangedReply("es", { program })],
      ["STOP", stoppedReply("es", { program })],
      ["START", startedReply("es", { program, zips: ["94607"] })],
    ];
    for (const [body, reply] of steps) expect((await texter.send(body)).messages, body).toEqual([reply]);
    expect(await subscriberState(runtime, texter.number)).toMatchObject({
      status: "active",
      language: "es",
      zips: ["94607"],
    });
  });
});

describe("the keyword table, through the signed webhook", () => {
  for (const lang of ["en", "es", "zh", "vi"] as const) {
    it(`works in ${lang}, with ${lang === "en" ? "the English" : "that language's own"} keywords`, async () => {
      const texter = newPhone();
      for (const step of conversation(lang)) {
        const { status, messages } = await texter.send(step.send);
        expect(status, step.send).toBe(200);
        expect(messages, step.send).toEqual(step.reply(lang));
        if (step.state)
          expect(await subscriberState(runtime, texter.number), step.send).toMatchObject(step.state);
      }
    });
  }

  it("understands the STOP family and its obvious variants, each stopping everything", async () => {
    for (const word of [
      "STOP",
      "STOPALL",
      "UNSUBSCRIBE",
      "CANCEL",
      "END",
      "QUIT",
      "REVOKE",
      "OPTOUT",
      "OPT OUT",
      "ALTO",
      "PARAR",
      "Stop.",
      "stop please",
      "  ｓｔｏｐ!! ",
    ]) {
      const texter = newPhone();
      await texter.send("94607 94601");
      const { messages } = await texter.send(word);
      const lang = ["ALTO", "PARAR"].includes(word) ? "es" : "en";
      expect(messages, word).toEqual([stoppedReply(lang, { program })]);
      expect(await subscriberState(runtime, texter.number), word).toMatchObject({ status: "stopped" });
    }
  });

  it("resumes with START, UNSTOP, YES and INICIO, with the ZIPs they had", async () => {
    for (const word of ["START", "UNSTOP", "YES", "INICIO"]) {
      const texter = newPhone();
      await texter.send("zip 94607, 94601");
      await texter.send("STOP");
      const lang = word === "INICIO" ? "es" : "en";
      expect((await texter.send(word)).messages, word).toEqual([
        startedReply(lang, { program, zips: ["94601", "94607"] }),
      ]);
      expect(await subscriberState(runtime, texter.number)).toMatchObject({
        status: "active",
        zips: ["94601", "94607"],
      });
    }
  });

  it("answers HELP, INFO and AYUDA with the program, the hotline and how to opt out", async () => {
    const texter = newPhone();
    expect((await texter.send("INFO")).messages).toEqual([helpReply("en", { program, hotline })]);
    expect((await texter.send("help")).messages[0]).toMatch(/Oakland Rapid Response.*\(510\) 555-0100.*STOP/);
    expect((await texter.send("ayuda")).messages).toEqual([helpReply("es", { program, hotline })]);
    expect(await subscriberState(runtime, texter.number)).toBeUndefined();
  });

  it("lists with LIST, STATUS, ZIPS and LISTA: ZIPs, language and status", async () => {
    const texter = newPhone();
    await texter.send("94607");
    for (const word of ["LIST", "STATUS", "ZIPS"]) {
      expect((await texter.send(word)).messages).toEqual([
        listReply("en", { program, zips: ["94607"], status: "active" }),
      ]);
    }
    expect((await texter.send("LISTA")).messages).toEqual([
      listReply("es", { program, zips: ["94607"], status: "active" }),
    ]);
  });

  it("switches language with EN, ES / ESPAÑOL, 中文 / ZH, VI / TIẾNG VIỆT, and answers in it from then on", async () => {
    const texter = newPhone();
    await texter.send("94607");
    for (const [word, lang] of [
      ["ES", "es"],
      ["中文", "zh"],
      ["TIẾNG VIỆT", "vi"],
      ["EN", "en"],
      ["ESPAÑOL", "es"],
      ["ZH", "zh"],
      ["VI", "vi"],
    ] as const) {
      expect((await texter.send(word)).messages, word).toEqual([languageChangedReply(lang, { program })]);
      expect((await texter.send("LIST")).messages, word).toEqual([
        listReply(lang, { program, zips: ["94607"], status: "active" }),
      ]);
      expect(await subscriberState(runtime, texter.number)).toMatchObject({ language: lang });
    }
  });

  it("makes replies Spanish when a Spanish keyword is used", async () => {
    const texter = newPhone();
    await texter.send("94607");
    expect((await texter.send("AYUDA")).messages).toEqual([helpReply("es", { program, hotline })]);
    expect((await texter.send("LIST")).messages).toEqual([
      listReply("es", { program, zips: ["94607"], status: "active" }),
    ]);
    expect(await subscriberState(runtime, texter.number)).toMatchObject({ language: "es" });
  });

  it("takes ZIPs however they are written", async () => {
    for (const body of ["zip 94607", "94607, 94601", "９４６０７", "94607-1234", "  ZIP: 94607!  "]) {
      const texter = newPhone();
      const { messages } = await texter.send(body);
      expect(messages[0], body).toMatch(/^Oakland Rapid Response: You'll get alerts for/);
      expect((await subscriberState(runtime, texter.number))?.zips, body).toContain("94607");
    }
  });
});

describe("the language a number last used carries to its subscription", () => {
  it("subscribes in Spanish after 'hola', and answers in it", async () => {
    const texter = newPhone();
    expect((await texter.send("hola")).messages).toEqual([
      unknownCommandReply("es", { program, example, hotline }),
    ]);
    expect((await texter.send("94607")).messages).toEqual([
      subscribedReply("es", { program, zips: ["94607"] }),
    ]);
    expect(await subscriberState(runtime, texter.number)).toMatchObject({ language: "es", zips: ["94607"] });
    const state = await subscriberState(runtime, texter.number);
    const [optIn] = await runtime.db
      .selectFrom("consent_events")
      .select("language")
      .where("subscriber_id", "=", state!.id)
      .execute();
    expect(optIn).toEqual({ language: "es" });
  });

  it("does the same after a Chinese or Vietnamese greeting", async () => {
    for (const [greeting, lang] of [
      ["你好", "zh"],
      ["xin chào", "vi"],
      ["Xin chao", "vi"],
    ] as const) {
      const texter = newPhone();
      expect((await texter.send(greeting)).messages, greeting).toEqual([
        unknownCommandReply(lang, { program, example, hotline }),
      ]);
      expect((await texter.send("94607")).messages, greeting).toEqual([
        subscribedReply(lang, { program, zips: ["94607"] }),
      ]);
      expect(await subscriberState(runtime, texter.number), greeting).toMatchObject({ language: lang });
    }
  });

  it("follows the latest language a number used or chose, and texts that show none keep it", async () => {
    const texter = newPhone();
    await texter.send("hola");
    expect((await texter.send("LIST")).messages).toEqual([nothingToStartReply("es", { program, example })]);
    expect((await texter.send("中文")).messages).toEqual([nothingToStartReply("zh", { program, example })]);
    expect((await texter.send("what is this")).messages).toEqual([
      unknownCommandReply("zh", { program, example, hotline }),
    ]);
    expect((await texter.send("ENGLISH")).messages).toEqual([
      nothingToStartReply("en", { program, example }),
    ]);
    expect((await texter.send("94607")).messages).toEqual([
      subscribedReply("en", { program, zips: ["94607"] }),
    ]);
    expect(await subscriberState(runtime, texter.number)).toMatchObject({ language: "en" });
  });

  it("carries a chosen language to ADD, from a new number and from a subscriber", async () => {
    const stranger = newPhone();
    await stranger.send("ESPAÑOL");
    expect((await stranger.send("ADD 94606")).messages).toEqual([
      subscribedReply("es", { program, zips: ["94606"] }),
    ]);
    expect(await subscriberState(runtime, stranger.number)).toMatchObject({ language: "es" });

    const subscriber = newPhone();
    await subscriber.send("94607");
    await subscriber.send("TIẾNG VIỆT");
    expect((await subscriber.send("ADD 94606")).messages).toEqual([
      addedZipReply("vi", { program, zips: ["94606"], all: ["94606", "94607"] }),
    ]);
    expect(await subscriberState(runtime, subscriber.number)).toMatchObject({ language: "vi" });
  });

  it("lets a subscriber's own language win over what the number wrote before subscribing", async () => {
    const texter = newPhone();
    await texter.send("hola");
    await texter.send("94607");
    await texter.send("ENGLISH");
    expect((await texter.send("ADD 94606")).messages).toEqual([
      addedZipReply("en", { program, zips: ["94606"], all: ["94606", "94607"] }),
    ]);
  });
});

describe("what is never stored", () => {
  it("answers a ZIP that does not exist with an example, and stores nothing", async () => {
    const before = await countRows(runtime, "subscribers");
    const texter = newPhone();
    expect((await texter.send("00000 00001")).messages).toEqual([
      unknownZipReply("en", { program, zips: ["00000", "00001"], example }),
    ]);
    expect(await countRows(runtime, "subscribers")).toBe(before);
  });

  it("answers a ZIP outside the service area, stores nothing, and takes the ones inside", async () => {
    const area = { ...runtime, config: { ...runtime.config, serviceArea: parseServiceArea("946*")! } };
    const scoped = createApp(area);
    const texter = newPhone(area, scoped);
    const before = await countRows(runtime, "subscribers");
    expect((await texter.send("10001")).messages).toEqual([
      unknownZipReply("en", { program, zips: ["10001"], example: "94601" }),
    ]);
    expect(await countRows(runtime, "subscribers")).toBe(before);
    expect((await texter.send("10001 94607")).messages).toEqual([
      subscribedReply("en", { program, zips: ["94607"] }),
      unknownZipReply("en", { program, zips: ["10001"], example: "94601" }),
    ]);
    expect(await subscriberState(runtime, texter.number)).toMatchObject({ zips: ["94607"] });
  });

  it("refuses numbers outside the US and its territories, with a reply, storing nothing", async () => {
    const before = await countRows(runtime, "subscribers");
    const inbound = await countRows(runtime, "inbound_messages");
    for (const [number, body, lang] of [
      ["+442071234567", "94607", "en"],
      ["+14165550100", "94607", "en"], // Canada shares +1 but not the program
      ["+525512345678", "94607 y 94601", "es"],
      ["+8613800138000", "邮编 94607", "zh"],
      // A US number on WhatsApp is a subscriber (test/integration/whatsapp.test.ts); others are not.
      ["whatsapp:+442071234567", "94607", "en"],
      ["12345", "94607", "en"],
    ] as const) {
      const { messages } = await phone(app, runtime, number).send(body);
      expect(messages, number).toEqual([usNumbersOnlyReply(lang, { program })]);
    }
    expect(await countRows(runtime, "subscribers")).toBe(before);
    expect(await countRows(runtime, "inbound_messages")).toBe(inbound);
  });

  it("accepts US territories", async () => {
    for (const number of ["+17875550100", "+16715550100", "+13405550100"]) {
      used.add(number);
      expect((await phone(app, runtime, number).send("94607")).messages[0]).toMatch(
        /You'll get alerts for 94607/,
      );
    }
  });

  it("stores no subscriber for a number that never subscribed and texts STOP, LIST, START or a language", async () => {
    const before = await countRows(runtime, "subscribers");
    const texter = newPhone();
    expect((await texter.send("STOP")).messages).toEqual([stoppedReply("en", { program })]);
    expect((await texter.send("LIST")).messages).toEqual([nothingToStartReply("en", { program, example })]);
    expect((await texter.send("START")).messages).toEqual([nothingToStartReply("en", { program, example })]);
    expect((await texter.send("ES")).messages).toEqual([nothingToStartReply("es", { program, example })]);
    // The language chosen is kept with the inbound record, not in a subscriber row.
    expect((await texter.send("REMOVE 94607")).messages).toEqual([
      notSubscribedToZipReply("es", { program, zips: ["94607"], current: [] }),
    ]);
    expect(await countRows(runtime, "subscribers")).toBe(before);
  });

  it("caps the ZIPs one number may follow", async () => {
    const texter = newPhone();
    const zips = ["94601", "94602", "94603", "94604", "94605", "94606", "94607", "94608", "94609", "94610"];
    await texter.send(zips.join(" "));
    expect((await texter.send("ADD 94611")).messages).toEqual([
      tooManyZipsReply("en", { program, max: 10, ignored: ["94611"] }),
    ]);
    expect((await subscriberState(runtime, texter.number))?.zips).toEqual(zips);
  });
});

describe("consent", () => {
  it("records opt-ins and opt-outs with channel, command, language and time, and never the number", async () => {
    const texter = newPhone();
    await texter.send("94607");
    await texter.send("ALTO");
    await texter.send("START");
    const state = await subscriberState(runtime, texter.number);
    const events = await runtime.db
      .selectFrom("consent_events")
      .selectAll()
      .where("subscriber_id", "=", state!.id)
      .orderBy("id")
      .execute();
    expect(
      events.map(({ kind, channel, keyword, language }) => ({ kind, channel, keyword, language })),
    ).toEqual([
      { kind: "opt_in", channel: "sms", keyword: "subscribe", language: "en" },
      { kind: "opt_out", channel: "sms", keyword: "stop_all", language: "es" },
      { kind: "opt_in", channel: "sms", keyword: "start", language: "es" },
    ]);
    for (const event of events) expect(event.at).toBeInstanceOf(Date);
    const text = JSON.stringify(events);
    for (const form of addressForms(texter.number)) expect(text).not.toContain(form);
  });
});

describe("retention", () => {
  it("forgets inbound-message records (and the language a stranger wrote in) after 7 days and reply counters after a day", async () => {
    const stranger = newPhone();
    await stranger.send("hola");
    expect(await countRows(runtime, "inbound_messages")).toBeGreaterThan(0);
    const later = { ...runtime, clock: { now: () => new Date(Date.now() + 8 * 86_400_000) } };
    await runHousekeeping(later, { task: "purge-text-a-zip" });
    expect(await countRows(runtime, "inbound_messages")).toBe(0);
    expect((await stranger.send("94607")).messages).toEqual([
      subscribedReply("en", { program, zips: ["94607"] }),
    ]);
    await runHousekeeping(later, { task: "purge-text-a-zip" });
    const counters = await runtime.db.selectFrom("sms_rate_counters").select("key").execute();
    expect(counters).toEqual([]);
    expect(await countRows(runtime, "subscribers")).toBeGreaterThan(0);
  });
});

describe("privacy", () => {
  it("leaves no test number in clear anywhere in the database or the logs", async () => {
    expect(used.size).toBeGreaterThan(20);
    const dump = await dumpEverything(runtime);
    expect(dump).toContain("inbound_messages");
    for (const number of used) {
      for (const form of addressForms(number)) {
        expect(dump, `dump contains ${form}`).not.toContain(form);
        expect(runtime.logs.text, `logs contain ${form}`).not.toContain(form);
      }
    }
  });
});
