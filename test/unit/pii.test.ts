import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPiiCipher, DecryptionError } from "../../src/security/pii.ts";

const oldKey = { id: "k1", key: randomBytes(32) };
const newKey = { id: "k2", key: randomBytes(32) };
const indexKey = randomBytes(32);
const cipher = createPiiCipher([oldKey], indexKey);

describe("PII encryption", () => {
  it("round-trips and never repeats a ciphertext", () => {
    const a = cipher.encrypt("+15105550100", "subscriber-address:sms");
    const b = cipher.encrypt("+15105550100", "subscriber-address:sms");
    expect(a.keyId).toBe("k1");
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(cipher.decrypt(a, "subscriber-address:sms")).toBe("+15105550100");
    expect(a.ciphertext.includes(Buffer.from("5105550100"))).toBe(false);
  });

  it("fails on a tampered ciphertext, wherever the flipped bit is", () => {
    const sealed = cipher.encrypt("resident@example.org", "subscriber-address:email");
    for (const position of [0, 12, 28, sealed.ciphertext.length - 1]) {
      const tampered = Buffer.from(sealed.ciphertext);
      tampered[position]! ^= 0x01;
      expect(() => cipher.decrypt({ ...sealed, ciphertext: tampered }, "subscriber-address:email")).toThrow(
        DecryptionError,
      );
    }
    expect(() => cipher.decrypt({ ...sealed, ciphertext: sealed.ciphertext.subarray(0, 20) }, "x")).toThrow(
      DecryptionError,
    );
  });

  it("fails when a ciphertext is moved to another purpose or names an unknown key", () => {
    const sealed = cipher.encrypt("+15105550100", "subscriber-address:sms");
    expect(() => cipher.decrypt(sealed, "reporter-callback")).toThrow(/authentication failed/);
    expect(() => cipher.decrypt({ ...sealed, keyId: "nope" }, "subscriber-address:sms")).toThrow(
      /unknown key id/,
    );
  });

  it("decrypts values sealed under an older key after rotation", () => {
    const sealed = cipher.encrypt("+15105550100", "p");
    const rotated = createPiiCipher([newKey, oldKey], indexKey);
    expect(rotated.activeKeyId).toBe("k2");
    expect(rotated.decrypt(sealed, "p")).toBe("+15105550100");
    expect(rotated.encrypt("x", "p").keyId).toBe("k2");
  });

  it("blind-indexes deterministically, separately per purpose, under its own key", () => {
    const a = cipher.blindIndex("+15105550100", "subscriber-address:sms");
    expect(a.equals(cipher.blindIndex("+15105550100", "subscriber-address:sms"))).toBe(true);
    expect(a.equals(cipher.blindIndex("+15105550100", "subscriber-address:email"))).toBe(false);
    expect(
      a.equals(
        createPiiCipher([oldKey], randomBytes(32)).blindIndex("+15105550100", "subscriber-address:sms"),
      ),
    ).toBe(false);
    expect(() => createPiiCipher([oldKey], oldKey.key)).toThrow(/must differ/);
  });
});
