import { describe, expect, it } from "vitest";
import { countSegments, SEGMENT_CAPACITY } from "../../src/sms/segments.ts";

describe("countSegments: GSM-7", () => {
  it("fits 160 characters in one segment and 153 per part after that", () => {
    expect(countSegments("a".repeat(160))).toStrictEqual({
      encoding: "GSM-7",
      segments: 1,
      characters: 160,
      unicodeCharacters: [],
    });
    expect(countSegments("a".repeat(161)).segments).toBe(2);
    expect(countSegments("a".repeat(306)).segments).toBe(2);
    expect(countSegments("a".repeat(307)).segments).toBe(3);
    expect(SEGMENT_CAPACITY["GSM-7"]).toStrictEqual({ single: 160, multipart: 153 });
  });

  it.each([..."€[]{}^~|\\"])("counts the extension character %s as two", (char) => {
    expect(countSegments(char)).toMatchObject({ encoding: "GSM-7", characters: 2 });
    expect(countSegments(char.repeat(80)).segments).toBe(1);
    expect(countSegments(char.repeat(81)).segments).toBe(2);
  });

  it("keeps the accented letters that are in the GSM alphabet (é ñ ü ¿ ¡ à è ì ò ù)", () => {
    expect(countSegments("¿Qué? ¡Señor Müller! à è ì ò ù É Ñ Ü")).toMatchObject({ encoding: "GSM-7" });
  });

  it("counts an empty text as one segment", () => {
    expect(countSegments("")).toStrictEqual({
      encoding: "GSM-7",
      segments: 1,
      characters: 0,
      unicodeCharacters: [],
    });
  });
});

describe("countSegments: UCS-2", () => {
  it("switches on one character outside GSM-7: 70 in one segment, then 67 per part", () => {
    const text = `${"a".repeat(69)}á`;
    expect(countSegments(text)).toStrictEqual({
      encoding: "UCS-2",
      segments: 1,
      characters: 70,
      unicodeCharacters: ["á"],
    });
    expect(countSegments(`${text}a`).segments).toBe(2);
    expect(countSegments("á".repeat(134)).segments).toBe(2);
    expect(countSegments("á".repeat(135)).segments).toBe(3);
    expect(SEGMENT_CAPACITY["UCS-2"]).toStrictEqual({ single: 70, multipart: 67 });
  });

  it("counts an emoji as two UTF-16 code units", () => {
    expect(countSegments("😀")).toMatchObject({
      encoding: "UCS-2",
      characters: 2,
      unicodeCharacters: ["😀"],
    });
    expect(countSegments(`${"a".repeat(68)}😀`).segments).toBe(1);
    expect(countSegments(`${"a".repeat(69)}😀`).segments).toBe(2);
  });

  it("names each character that forced UCS-2 once, in order, for the composer to point at", () => {
    expect(countSegments("“Hola” — está aquí, “sí”").unicodeCharacters).toStrictEqual([
      "“",
      "”",
      "—",
      "á",
      "í",
    ]);
  });

  it("does not count extension characters twice in UCS-2", () => {
    expect(countSegments("€á").characters).toBe(2);
  });
});

describe("countSegments: the four languages", () => {
  it("English stays GSM-7", () => {
    expect(
      countSegments("VERIFIED: ICE activity reported near 94607. Know your rights: you may stay silent."),
    ).toMatchObject({
      encoding: "GSM-7",
      segments: 1,
    });
  });

  it("Spanish is GSM-7 without á í ó ú, UCS-2 with them", () => {
    expect(countSegments("Le enviaremos alertas para 94607. Responda ALTO para cancelar.").encoding).toBe(
      "GSM-7",
    );
    expect(countSegments("Usted tiene derecho a guardar silencio. Responda ALTO o STOP.").encoding).toBe(
      "GSM-7",
    );
    expect(countSegments("Actividad de inmigración verificada cerca de 94607.")).toMatchObject({
      encoding: "UCS-2",
      unicodeCharacters: ["ó"],
    });
  });

  it("Chinese is UCS-2, one code unit per character", () => {
    const text = "已核实：94607附近有移民执法活动。您有权保持沉默。";
    expect(countSegments(text)).toMatchObject({ encoding: "UCS-2", characters: text.length, segments: 1 });
  });

  it("Vietnamese is UCS-2, and costs more when not precomposed (NFD)", () => {
    const text = "Đã xác minh: có hoạt động di trú gần 94607. Quý vị có quyền giữ im lặng.";
    const composed = countSegments(text.normalize("NFC"));
    expect(composed).toMatchObject({
      encoding: "UCS-2",
      characters: text.normalize("NFC").length,
      segments: 2,
    });
    expect(countSegments(text.normalize("NFD")).characters).toBeGreaterThan(composed.characters);
  });
});
