/** Every message says what it is, in the resident's language. */
import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../../src/i18n/languages.ts";
import {
  alertLabel,
  composeEmail,
  composePush,
  composeSms,
  LABELS,
  MAX_PUSH_PAYLOAD_BYTES,
  MAX_SMS_SEGMENTS,
  type MessageAlert,
  pickText,
  smsFits,
  UNSAVED_ALERT_ID,
} from "../../src/services/alerts/compose.ts";
import { alertIdFromShortCode } from "../../src/services/alerts/short-link.ts";
import { countSegments } from "../../src/sms/segments.ts";

const base: MessageAlert = {
  id: "3f1c2a7e-0000-4000-8000-000000000001",
  kind: "sighting",
  priority: "alert",
  is_drill: false,
  verifiedSighting: true,
};
const text = {
  language: "es" as const,
  headline: "Agentes en 7th",
  body: "Confirmado.\n\nNo abra la puerta.",
  sms_text: "Agentes en 7th.",
};

describe("labels", () => {
  it.each([
    ["sighting", "VERIFIED"],
    ["statement", "OFFICIAL CITY STATEMENT"],
    ["update", "UPDATE"],
    ["cancel", "ALL CLEAR"],
  ] as const)("a %s says %s", (kind, label) => {
    expect(alertLabel({ ...base, kind }, "en")).toBe(label);
  });

  it("only an alert tied to a verified sighting says VERIFIED; one from scratch says ADVISORY", () => {
    const scratch = { ...base, verifiedSighting: false };
    expect(LANGUAGES.map((language) => alertLabel(scratch, language))).toEqual([
      "ADVISORY",
      "AVISO",
      "提示",
      "KHUYẾN CÁO",
    ]);
    expect(alertLabel({ ...scratch, is_drill: true }, "en")).toBe("DRILL · ADVISORY");
    // Follow-ups and statements say what they are either way.
    expect(alertLabel({ ...scratch, kind: "update" }, "en")).toBe("UPDATE");
    expect(alertLabel({ ...scratch, kind: "statement" }, "en")).toBe("OFFICIAL CITY STATEMENT");
  });

  it("a cancel of a false report says FALSE ALARM; a drill says DRILL first", () => {
    expect(alertLabel({ ...base, kind: "cancel", cancelReason: "false_alarm" }, "en")).toBe("FALSE ALARM");
    expect(alertLabel({ ...base, is_drill: true }, "en")).toBe("DRILL · VERIFIED");
    expect(alertLabel({ ...base, is_drill: true, kind: "statement" }, "es")).toBe(
      "SIMULACRO · COMUNICADO OFICIAL DE LA CIUDAD",
    );
  });

  it("exist in every language for every label", () => {
    for (const labels of Object.values(LABELS)) {
      for (const language of LANGUAGES) expect(labels[language].length).toBeGreaterThan(1);
      expect(new Set(Object.values(labels)).size).toBeGreaterThanOrEqual(LANGUAGES.length - 1);
    }
  });
});

describe("messages", () => {
  it("SMS: label, the SMS text, then the alert page's short link in the text's language under PUBLIC_URL, on one line", () => {
    const sms = composeSms(base, text, "https://alerts.oakland.example");
    expect(sms).toBe("VERIFICADO: Agentes en 7th. https://alerts.oakland.example/es/PxwqfgAAQACAAAAAAAAAAQ");
    expect(alertIdFromShortCode(sms.split("/es/")[1]!)).toBe(base.id);
    expect(sms).not.toContain("\n");
    // Trailing spaces in the text do not end up before the link.
    expect(composeSms(base, { ...text, sms_text: "Agentes en 7th.  " }, "https://a.example")).toBe(
      "VERIFICADO: Agentes en 7th. https://a.example/es/PxwqfgAAQACAAAAAAAAAAQ",
    );
    expect(composeSms(base, { ...text, language: "vi" }, "https://a.example")).toMatch(
      / https:\/\/a\.example\/vi\/PxwqfgAAQACAAAAAAAAAAQ$/,
    );
  });

  it("SMS: a drill's labels are joined with GSM-7 characters, so a Latin-script drill stays GSM-7", () => {
    const drill = { ...base, is_drill: true };
    for (const language of ["en", "es"] as const) {
      const sms = composeSms(drill, { ...text, language, sms_text: "Agents at 7th." }, "https://a.example");
      expect(sms).toMatch(/^(DRILL - VERIFIED|SIMULACRO - VERIFICADO): /);
      expect(countSegments(sms).encoding).toBe("GSM-7");
    }
    // Pages, mails and pushes keep the middle dot.
    expect(alertLabel(drill, "en")).toBe("DRILL · VERIFIED");
  });

  it("SMS: any alert's link has the stand-in's length and encoding, so a new draft's count is exact", () => {
    const url = "https://aviso.test";
    for (const id of [base.id, crypto.randomUUID(), "ffffffff-ffff-4fff-bfff-ffffffffffff"]) {
      const real = countSegments(composeSms({ ...base, id }, text, url));
      const standIn = countSegments(composeSms({ ...base, id: UNSAVED_ALERT_ID }, text, url));
      expect(real).toStrictEqual(standIn);
    }
  });

  it("SMS: the segment limit counts the label and the link", () => {
    const url = "https://aviso.test"; // the link (…/en/<22>) is 44 characters, the space before it one more
    const alert = { kind: "sighting", priority: "alert", is_drill: false, verifiedSighting: true } as const;
    // GSM-7: 10 segments hold 1,530 characters; "VERIFIED: " takes 10 and " <link>" 45.
    expect(smsFits(alert, "en", "a".repeat(1530 - 10 - 45), url)).toMatchObject({
      fits: true,
      segments: MAX_SMS_SEGMENTS,
      characters: 1530,
    });
    expect(smsFits(alert, "en", "a".repeat(1530 - 10 - 44), url)).toMatchObject({
      fits: false,
      segments: 11,
    });
    // UCS-2: 670 code units; "已核实: " takes 5.
    expect(smsFits(alert, "zh", "警".repeat(670 - 5 - 45), url).fits).toBe(true);
    expect(smsFits(alert, "zh", "警".repeat(670 - 5 - 44), url).fits).toBe(false);
    // A longer label leaves less room: the same text fits a sighting but not a drill statement.
    const drill = { kind: "statement", priority: "alert", is_drill: true, verifiedSighting: false } as const;
    expect(smsFits(drill, "en", "a".repeat(1530 - 10 - 45), url).fits).toBe(false);
  });

  it("email: subject with label; text and HTML with the page link and the unsubscribe link, escaped", () => {
    const mail = composeEmail(
      base,
      { ...text, body: "<b>Confirmado</b> & más" },
      { publicUrl: "https://aviso.test", unsubscribeUrl: "https://aviso.test/unsubscribe/abc" },
    );
    expect(mail.subject).toBe("VERIFICADO: Agentes en 7th");
    // The page in the language the mail was written in.
    expect(mail.text).toContain(
      "Detalles: https://aviso.test/alerts/3f1c2a7e-0000-4000-8000-000000000001?lang=es",
    );
    expect(mail.text).toContain("Cancelar la suscripción: https://aviso.test/unsubscribe/abc");
    expect(mail.html).toContain("&lt;b&gt;Confirmado&lt;/b&gt; &amp; más");
    expect(mail.html).toContain('href="https://aviso.test/unsubscribe/abc"');
    expect(mail.html).toContain('lang="es"');
  });

  it("push: a small JSON payload, cut to stay under 3 kB", () => {
    const payload = JSON.parse(composePush(base, text, "https://aviso.test"));
    expect(payload).toEqual({
      alertId: base.id,
      label: "VERIFICADO",
      headline: "Agentes en 7th",
      url: "https://aviso.test/es/PxwqfgAAQACAAAAAAAAAAQ", // the short link, in the push's language
      priority: "alert",
      drill: false,
    });
    const long = composePush(base, { ...text, headline: "警".repeat(5000) }, "https://aviso.test");
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
    expect(JSON.parse(long).headline.endsWith("…")).toBe(true);
  });

  it("falls back to English, then to any text, when the resident's language is missing", () => {
    const en = { ...text, language: "en" as const };
    const zh = { ...text, language: "zh" as const };
    expect(pickText([zh, en], "vi")).toBe(en);
    expect(pickText([zh], "vi")).toBe(zh);
    expect(pickText([zh, en], "zh")).toBe(zh);
  });
});
