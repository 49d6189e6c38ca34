// The responder grammar (issue 16, points 2 and 4): what it claims, and what it leaves to the
// resident grammar.
import { describe, expect, it } from "vitest";
import { parseResponderText } from "../../src/sms/responder-grammar.ts";

describe("parseResponderText", () => {
  it.each([
    ["ON", { kind: "on", language: "en" }],
    ["  on duty! ", { kind: "on", language: "en" }],
    ["Activo", { kind: "on", language: "es" }],
    ["EN SERVICIO", { kind: "on", language: "es" }],
    ["off", { kind: "off", language: "en" }],
    ["INACTIVO", { kind: "off", language: "es" }],
    ["fuera de servicio", { kind: "off", language: "es" }],
    ["LIST", { kind: "list", language: "en" }],
    ["lista", { kind: "list", language: "es" }],
  ])("%s is a duty word", (body, expected) => {
    expect(parseResponderText(body)).toEqual(expected);
  });

  it.each([
    ["4821 Y", { answer: "yes", code: "4821", language: "en" }],
    ["Y 4821", { answer: "yes", code: "4821", language: "en" }],
    ["4821 sí", { answer: "yes", code: "4821", language: "es" }],
    ["SI", { answer: "yes", code: undefined, language: "es" }],
    ["4821 N", { answer: "no", code: "4821", language: "en" }],
    ["no", { answer: "no", code: undefined, language: "en" }],
    ["4821 NOTHING", { answer: "nothing", code: "4821", language: "en" }],
    ["4821 nada", { answer: "nothing", code: "4821", language: "es" }],
    ["4821 GONE", { answer: "gone", code: "4821", language: "en" }],
    ["4821 se fue", { answer: "gone", code: "4821", language: "es" }],
  ])("%s is an answer", (body, expected) => {
    expect(parseResponderText(body)).toEqual({ kind: "answer", ...expected });
  });

  it("keeps a CONFIRM's words as written, with or without a code", () => {
    expect(parseResponderText("4821 CONFIRM 2 vans, 6 agents at the corner")).toEqual({
      kind: "answer",
      answer: "confirm",
      code: "4821",
      notes: "2 vans, 6 agents at the corner",
      language: "en",
    });
    expect(parseResponderText("Confirmó: dos camionetas")).toMatchObject({
      answer: "confirm",
      code: undefined,
      notes: "dos camionetas",
      language: "es",
    });
    expect(parseResponderText("CONFIRM 4821")).toMatchObject({
      answer: "confirm",
      code: "4821",
      notes: undefined,
    });
    expect(parseResponderText("confirm")).toMatchObject({
      answer: "confirm",
      code: undefined,
      notes: undefined,
    });
  });

  it.each([
    "94607",
    "STOP",
    "HELP",
    "ayuda",
    "4821",
    "Y Y",
    "yes please call me",
    "me@example.org",
    "",
    "🙂",
  ])("leaves %j to the resident grammar", (body) => {
    expect(parseResponderText(body)).toBeUndefined();
  });
});
