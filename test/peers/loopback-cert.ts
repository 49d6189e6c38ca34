/**
 * A throwaway self-signed TLS certificate for 127.0.0.1 / localhost, made in memory with node:crypto.
 *
 * Why: `web-push` only speaks HTTPS, so the push peer needs a certificate. Building a tiny X.509 here
 * (a minimal DER encoder) means no key is committed to the repo and no `openssl` binary is needed.
 * Clients trust it by passing `cert` as their CA (e.g. `new https.Agent({ ca: cert })`).
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

export interface LoopbackCert {
  /** PEM private key (PKCS#8, P-256). */
  key: string;
  /** PEM certificate; also the CA a client must trust. */
  cert: string;
}

export function createLoopbackCert(validForMs = 24 * 60 * 60 * 1000): LoopbackCert {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from("aviso test peer")))));
  const now = Date.now();
  const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const extensions = seq(
    // subjectAltName: IP 127.0.0.1, DNS localhost
    seq(
      oid("2.5.29.17"),
      tlv(0x04, seq(tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x82, Buffer.from("localhost")))),
    ),
    // basicConstraints: CA:TRUE (critical), so the certificate can be its own trust anchor
    seq(oid("2.5.29.19"), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x01, Buffer.from([0xff]))))),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and non-zero
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version v3
    tlv(0x02, serial),
    ecdsaWithSha256,
    name,
    seq(utcTime(new Date(now - 60 * 60 * 1000)), utcTime(new Date(now + validForMs))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    tlv(0xa3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey); // DER-encoded ECDSA-Sig-Value
  const certificate = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return {
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    cert: pem("CERTIFICATE", certificate),
  };
}

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else if (n < 0x100) length = Buffer.from([0x81, n]);
  else length = Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const set = (...parts: Buffer[]) => tlv(0x31, ...parts);

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = `${date.toISOString().slice(2, 19).replace(/[-T:]/g, "")}Z`; // YYMMDDHHMMSSZ
  return tlv(0x17, Buffer.from(text));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
