/**
 * The web's language pieces as specifications: which language a reader gets, that the keywords
 * the pages advertise are the ones the SMS grammar understands, and the small parsers behind the
 * forms and links.
 */
import { describe, expect, it } from "vitest";
import { parseLinkList } from "../../src/config.ts";
import { messages } from "../../src/i18n/catalog.ts";
import { LANGUAGES } from "../../src/i18n/languages.ts";
import { en } from "../../src/i18n/messages/en.ts";
import { fromAcceptLanguage } from "../../src/i18n/negotiate.ts";
import { fromLocalInput, toLocalInput } from "../../src/pages/console/time.ts";
import { smsKeywords } from "../../src/pages/public/by-text.ts";
import { dialable, smsHref, telHref } from "../../src/pages/public/phone-links.ts";
import { alertIdFromShortCode, shortAlertPath } from "../../src/services/alerts/short-link.ts";
import { parseTypedZips } from "../../src/services/subscriptions/typed-zips.ts";
import { parseInbound } from "../../src/sms/keywords.ts";

describe("Accept-Language", () => {
  it.each([
    ["es-MX,es;q=0.9,en;q=0.8", "es"],
    ["zh-TW", "zh"],
    ["vi-VN, en;q=0.5", "vi"],
    ["fr-CA, de;q=0.9, es;q=0.2", "es"],
    ["en;q=0.1, vi;q=0.9", "vi"],
    ["es;q=0, en", "en"],
    ["fr", undefined],
    ["", undefined],
  ])("%s → %s", (header, language) => {
    expect(fromAcceptLanguage(header)).toBe(language);
  });
});

describe("the catalog", () => {
  it("has every phrase in every language, none empty", () => {
    const keys = (value: unknown, prefix = ""): string[] =>
      typeof value === "object" && value !== null && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
        : [prefix];
    for (const language of LANGUAGES) {
      expect(keys(messages(language))).toEqual(keys(en));
      expect(messages(language).alert.advice).toHaveLength(en.alert.advice.length);
    }
  });
});

describe("keywords shown on the pages", () => {
  it.each(LANGUAGES)("are understood by the SMS grammar (%s)", (language) => {
    const words = smsKeywords(language);
    expect(parseInbound(words.stop).kind).toBe("stop_all");
    expect(parseInbound(words.list).kind).toBe("list");
    expect(parseInbound(words.help).kind).toBe("help");
    expect(parseInbound(words.language)).toMatchObject({ kind: "language", language });
  });

  it("the manage page's REMOVE examples remove a ZIP", () => {
    for (const text of ["REMOVE 94607", "QUITAR 94607", "删除 94607", "XÓA 94607"]) {
      expect(parseInbound(text), text).toMatchObject({ kind: "remove_zip", zips: ["94607"] });
    }
  });
});

describe("form and link parsers", () => {
  it("reads typed ZIPs", () => {
    expect(parseTypedZips("94607, 94612;94601 94607")).toEqual({ zips: ["94607", "94612", "94601"] });
    expect(parseTypedZips("94607-1234")).toEqual({ zips: ["94607"] });
    expect(parseTypedZips("94607 9460")).toEqual({ zips: ["94607"], malformed: "9460" });
    expect(parseTypedZips("")).toEqual({ zips: [] });
  });

  it("short links round-trip and refuse anything else", () => {
    const id = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f";
    const path = shortAlertPath(id);
    expect(path).toMatch(/^\/a\/[A-Za-z0-9_-]{22}$/);
    expect(alertIdFromShortCode(path.slice(3))).toBe(id);
    expect(shortAlertPath(id, "es")).toBe(`/es/${path.slice(3)}`);
    expect(alertIdFromShortCode("short")).toBeUndefined();
    expect(alertIdFromShortCode("../../../etc/passwd12")).toBeUndefined();
  });

  it("phone numbers as tel: and sms: links", () => {
    expect(telHref("(510) 555-0111")).toBe("tel:+15105550111");
    expect(telHref("1-510-555-0111")).toBe("tel:+15105550111");
    expect(telHref("+52 55 1234 5678")).toBe("tel:+525512345678");
    expect(smsHref("24365", "94607")).toBe("sms:24365?body=94607"); // a short code
    expect(smsHref("(510) 555-0100")).toBe("sms:+15105550100");
    expect(dialable("211")).toBe("211");
    // Not a number a phone can dial: no link, the text as configured.
    expect(dialable("call the hotline")).toBeUndefined();
    expect(dialable("555-0100-99")).toBeUndefined(); // nine digits: neither a US number nor a short code
  });

  it("know-your-rights links", () => {
    expect(parseLinkList("Know your rights|https://a.example/kyr; Legal help | https://b.example")).toEqual([
      { label: "Know your rights", url: "https://a.example/kyr" },
      { label: "Legal help", url: "https://b.example" },
    ]);
    expect(parseLinkList("no url here")).toBeNull();
    expect(parseLinkList("Bad|javascript:alert(1)")).toBeNull();
  });

  it("console date-times are wall-clock times in the program's zone, across DST", () => {
    const tz = "America/Los_Angeles";
    expect(fromLocalInput("2026-11-24T09:30", tz)?.toISOString()).toBe("2026-11-24T17:30:00.000Z");
    expect(fromLocalInput("2026-07-04T09:30", tz)?.toISOString()).toBe("2026-07-04T16:30:00.000Z");
    expect(toLocalInput(new Date("2026-07-04T16:30:00Z"), tz)).toBe("2026-07-04T09:30");
    expect(fromLocalInput("yesterday", tz)).toBeUndefined();
  });
});
