import { describe, expect, it } from "vitest";
import {
  cheapestSms,
  describeSaving,
  FOLDABLE_LANGUAGES,
  foldToGsm,
  GSM_FOLDS,
} from "../../src/sms/gsm-fold.ts";
import { countSegments } from "../../src/sms/segments.ts";

/** The 136-character update from issue 19: one ó in the label made it three UCS-2 segments. */
const UPDATE =
  "ACTUALIZACIÓN: Los agentes se fueron de Fruitvale y 35th Ave a las 9:40. Manténganse alerta. https://aviso.test/a/AAAAAAAAAAAAAAAAAAAAAA";

describe("the fold table", () => {
  it.each(Object.entries(GSM_FOLDS))(
    "%s is outside GSM-7 and folds to basic GSM-7 characters",
    (from, to) => {
      expect(countSegments(from).encoding).toBe("UCS-2");
      // Each result character costs one septet: never an extension character, which costs two.
      expect(countSegments(to)).toMatchObject({ encoding: "GSM-7", characters: to.length });
    },
  );

  it("leaves the accented letters GSM-7 has", () => {
    const kept = "é è ù ì ò à É Ç Ø ø Å å Ä Ö Ñ Ü ä ö ñ ü ß Æ æ ¿ ¡";
    expect(countSegments(kept).encoding).toBe("GSM-7");
    expect(foldToGsm(kept)).toStrictEqual({ text: kept, replaced: [] });
  });
});

describe("cheapestSms", () => {
  it("writes the issue's Spanish update in one GSM-7 segment instead of three UCS-2 ones", () => {
    expect(UPDATE).toHaveLength(136);
    expect(countSegments(UPDATE)).toMatchObject({ encoding: "UCS-2", segments: 3 });
    const sms = cheapestSms(UPDATE, "es");
    expect(sms.text).toBe(UPDATE.replace("Ó", "O"));
    expect(sms.count).toMatchObject({ encoding: "GSM-7", segments: 1, characters: 136 });
    expect(sms.saving).toMatchObject({ before: { segments: 3 }, replaced: [{ from: "Ó", to: "O" }] });
    expect(describeSaving(sms)).toBe("3 → 1 segments by writing Ó as O");
    // é is GSM-7: kept.
    expect(sms.text).toContain("Manténganse");
  });

  it("folds curly quotes, dashes, ellipses and non-breaking spaces in English", () => {
    const sms = cheapestSms("“Stay inside” — agents at 8:06\u202fPM… don’t open the door", "en");
    expect(sms.text).toBe(`"Stay inside" - agents at 8:06 PM... don't open the door`);
    expect(sms.count.encoding).toBe("GSM-7");
    expect(describeSaving(sms)).toBe(
      '1 segment, GSM-7 instead of UCS-2, by writing “ as ", ” as ", — as -, a narrow non-breaking space as a space, … as ... and 1 more',
    );
  });

  it("counts segments as networks do after folding: 160/153 in GSM-7, extension characters as two", () => {
    const long = `${"á".repeat(160)}`;
    expect(cheapestSms(long, "es").count).toMatchObject({ encoding: "GSM-7", segments: 1, characters: 160 });
    expect(cheapestSms(`${long}á`, "es").count).toMatchObject({ segments: 2 });
    expect(cheapestSms(`${"á".repeat(306)}`, "es").count.segments).toBe(2);
    expect(cheapestSms(`${"á".repeat(307)}`, "es").count.segments).toBe(3);
    // Extension characters the author wrote still cost two septets each.
    expect(cheapestSms(`á${"€".repeat(79)}`, "es").count).toMatchObject({ characters: 159, segments: 1 });
    expect(cheapestSms(`á${"€".repeat(80)}`, "es").count).toMatchObject({ characters: 161, segments: 2 });
  });

  it("leaves a text that is GSM-7 already alone", () => {
    const sms = cheapestSms("VERIFICADO: Retén en Fruitvale. ¿Qué hacer?", "es");
    expect(sms).toMatchObject({ text: "VERIFICADO: Retén en Fruitvale. ¿Qué hacer?", saving: null });
  });

  it("keeps a text that folding cannot make GSM-7 as written (UCS-2 either way)", () => {
    const text = "ACTUALIZACIÓN: agentes cerca del 中华会馆";
    expect(cheapestSms(text, "es")).toMatchObject({ text, saving: null, count: { encoding: "UCS-2" } });
  });

  it("keeps the text when folding would cost more segments", () => {
    // 70 ellipses: one UCS-2 segment; folded, 210 dots take two GSM-7 segments.
    const text = "…".repeat(70);
    expect(cheapestSms(text, "en")).toMatchObject({ text, saving: null, count: { segments: 1 } });
  });

  it("never folds Chinese or Vietnamese", () => {
    expect(FOLDABLE_LANGUAGES).toStrictEqual(["en", "es"]);
    const vi = "CẬP NHẬT: Đừng mở cửa — “hãy” giữ im lặng";
    expect(cheapestSms(vi, "vi")).toMatchObject({ text: vi, saving: null });
    const zh = "更新：不要开门 — “保持沉默”";
    expect(cheapestSms(zh, "zh")).toMatchObject({ text: zh, saving: null });
    // Even a Vietnamese text whose only non-GSM characters have folds stays as written.
    const plain = "Dung mo cua — “hay” giu im lang";
    expect(cheapestSms(plain, "vi").text).toBe(plain);
    expect(cheapestSms(plain, "en").text).toBe('Dung mo cua - "hay" giu im lang');
  });
});
