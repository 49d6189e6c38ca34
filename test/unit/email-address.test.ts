/** What one email address is, and one mailbox (src/security/email-address.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalEmail, isSingleAddrSpec, mailboxKey } from "../../src/security/email-address.ts";

describe("canonicalEmail: a single addr-spec, lower-cased", () => {
  it.each([
    ["victim@x.example", "victim@x.example"],
    ["Victim@X.Example", "victim@x.example"],
    ["  victim@x.example ", "victim@x.example"],
    ['"victim"@x.example', "victim@x.example"],
    ["ｖｉｃｔｉｍ＠ｘ．ｅｘａｍｐｌｅ", "victim@x.example"],
    ["o'brien+alerts@mail.x.example", "o'brien+alerts@mail.x.example"],
    ["a@xn--bcher-kva.example", "a@xn--bcher-kva.example"],
  ])("%j → %j", (input, canonical) => {
    expect(canonicalEmail(input)).toBe(canonical);
  });

  it.each([
    "a<victim@x.example>",
    "<victim@x.example>",
    "Victim <victim@x.example>",
    "x,victim@x.example",
    "victim@x.example,other@x.example",
    "friends: victim@x.example;",
    "victim(c)@x.example",
    "victim@x.example (c)",
    "victim @x.example",
    '"vic tim"@x.example',
    '"a..b"@x.example',
    "victim@[192.0.2.1]",
    "victim@x.example.",
    "victim@localhost",
    "victim@x.123",
    "vïctim@x.example",
    "a@b@x.example",
    ".a@x.example",
    "a..b@x.example",
    "",
    `${"a".repeat(65)}@x.example`,
  ])("refuses %j", (input) => {
    expect(canonicalEmail(input)).toBeUndefined();
  });

  it("fuzz: whatever it accepts is one addr-spec, canonical already, and mailed as itself", () => {
    const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const part = fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 10 });
    fc.assert(
      fc.property(part, part, part, (before, middle, after) => {
        const input = `${before}victim${middle}@x.example${after}`;
        const canonical = canonicalEmail(input);
        if (canonical === undefined) return;
        expect(isSingleAddrSpec(canonical)).toBe(true);
        expect(canonicalEmail(canonical)).toBe(canonical);
        expect(canonical).toBe(canonical.toLowerCase());
        expect(canonical).not.toMatch(/[\s<>,;:()"[\]\\]/);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("mailboxKey: the mailbox an address reaches", () => {
  it.each([
    ["victim@x.example", "victim@x.example"],
    ["victim+alerts@x.example", "victim@x.example"],
    ["victim+a+b@x.example", "victim@x.example"],
    ["+victim@x.example", "+victim@x.example"],
    ["first.last@x.example", "first.last@x.example"],
    ["first.last+x@gmail.com", "firstlast@gmail.com"],
    ["f.irst.last@googlemail.com", "firstlast@gmail.com"],
  ])("%j → %j", (address, key) => {
    expect(mailboxKey(address)).toBe(key);
  });
});

describe("isSingleAddrSpec: what the email sender hands to the mail library", () => {
  it.each([
    "victim@x.example",
    "o'brien+alerts@mail.x.example",
    "first.last@x.example",
    '"victim"@x.example',
    "a@xn--bcher-kva.example",
  ])("takes %j", (address) => {
    expect(isSingleAddrSpec(address)).toBe(true);
  });

  it.each([
    "a<victim@x.example>",
    "Victim <victim@x.example>",
    "x,victim@x.example",
    "victim@x.example,other@x.example",
    "friends:victim@x.example;",
    "victim(c)@x.example",
    "victim@x.example (c)",
    "victim @x.example",
    "victim@x.example\r\nBcc: other@x.example",
    ".a@x.example",
    "a..b@x.example",
    "a@b@x.example",
    "victim@localhost",
  ])("refuses %j", (address) => {
    expect(isSingleAddrSpec(address)).toBe(false);
  });
});
