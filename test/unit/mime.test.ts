/** Alert mail built by hand must read back, through a real MIME parser, exactly as composed. */
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { buildMime } from "../../src/delivery/mime.ts";

describe("buildMime", () => {
  it.each([
    ["en", "VERIFIED: Immigration agents at 7th and Broadway"],
    ["es", "VERIFICADO: Agentes de inmigración en 7th y Broadway — ¿qué hacer?"],
    ["zh", "已核实: 移民执法人员在第七街和百老汇，请不要开门。".repeat(3)],
    ["vi", "ĐÃ XÁC MINH: Nhân viên di trú tại đường 7 và Broadway"],
  ])("round-trips subject, text, HTML and headers (%s)", async (_language, subject) => {
    const text = `${subject}\n\nLine two. ${"Ω≈ç√ ".repeat(40)}`;
    const html = `<p>${subject}</p><p><a href="https://aviso.test/unsubscribe/abc">x</a></p>`;
    const { raw, messageId } = buildMime({
      from: "Aviso Alerts <alerts@aviso.test>",
      to: "resident@example.org",
      subject,
      text,
      html,
      headers: {
        "List-Unsubscribe": "<https://aviso.test/unsubscribe/abc>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    for (const line of raw.split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.text?.trim()).toBe(text.trim());
    expect(parsed.html).toBe(html);
    expect(parsed.messageId).toBe(`<${messageId}>`);
    expect(parsed.headerLines.find((h) => h.key === "list-unsubscribe-post")?.line).toBe(
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    );
    expect(parsed.from?.value[0]).toMatchObject({ name: "Aviso Alerts", address: "alerts@aviso.test" });
  });

  it("refuses a header value with a line break (no header injection)", () => {
    expect(() =>
      buildMime({
        from: "a@aviso.test",
        to: "x@example.org\r\nBcc: everyone@example.org",
        subject: "s",
        text: "t",
      }),
    ).toThrow(/line break/);
    const { raw } = buildMime({
      from: "a@aviso.test",
      to: "x@example.org",
      subject: "s\r\nBcc: y@example.org",
      text: "t",
    });
    expect(raw).not.toMatch(/^Bcc:/m);
  });
});
