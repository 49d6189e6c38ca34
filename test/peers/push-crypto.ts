/**
 * The receiving side of Web Push crypto, written from the RFCs with node:crypto only, so the push
 * peer checks what a browser and a push service would check — not what `web-push` thinks it sent:
 *
 *  - VAPID (RFC 8292): `Authorization: vapid t=<ES256 JWT>, k=<P-256 public key, base64url>`.
 *  - Message encryption (RFC 8291) in the aes128gcm content coding (RFC 8188).
 */
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, verify } from "node:crypto";

export interface VapidClaims {
  jwt: string;
  publicKey: string;
  audience: string;
  expiresAt: number;
  subject: string | null;
}

export type VapidResult =
  | { ok: true; claims: VapidClaims }
  | { ok: false; status: 401 | 403; reason: string };

const MAX_JWT_LIFETIME_SECONDS = 24 * 60 * 60;

/** Checks signature, `aud` (must be the push service's origin) and `exp` (future, ≤ 24 h ahead). */
export function verifyVapid(
  authorization: string | undefined,
  origin: string,
  nowMs = Date.now(),
): VapidResult {
  const params = /^vapid\s+(.*)$/i.exec(authorization ?? "")?.[1];
  if (params === undefined) return { ok: false, status: 401, reason: "missing vapid Authorization" };
  const fields = new Map(
    params.split(",").map((part) => {
      const [name = "", ...value] = part.trim().split("=");
      return [name.toLowerCase(), value.join("=")] as const;
    }),
  );
  const jwt = fields.get("t") ?? "";
  const publicKey = fields.get("k") ?? "";
  const [header = "", payload = "", signature = ""] = jwt.split(".");
  const rawKey = Buffer.from(publicKey, "base64url");
  if (rawKey.length !== 65 || rawKey[0] !== 0x04) return forbidden("k is not an uncompressed P-256 key");
  if (jsonPart(header)?.alg !== "ES256") return forbidden("JWT alg must be ES256");

  if (!signatureValid(publicKey, rawKey, header, payload, signature)) return forbidden("bad JWT signature");

  const claims = jsonPart(payload);
  const now = Math.floor(nowMs / 1000);
  if (claims?.aud !== origin) return forbidden(`aud must be ${origin}`);
  if (typeof claims.exp !== "number" || claims.exp <= now) return forbidden("JWT expired or exp missing");
  if (claims.exp > now + MAX_JWT_LIFETIME_SECONDS) return forbidden("exp more than 24 h ahead");
  const subject = typeof claims.sub === "string" ? claims.sub : null;
  return { ok: true, claims: { jwt, publicKey, audience: origin, expiresAt: claims.exp, subject } };
}

/**
 * JWTs (with their key) whose ES256 signature verified. A sender may reuse one JWT for many
 * messages until it expires, and the same bytes under the same key verify the same way, so each
 * distinct JWT is verified once. `aud` and `exp` are still checked on every message.
 */
const verifiedJwts = new Set<string>();
const VERIFIED_JWTS_KEPT = 1_000;

function signatureValid(
  publicKey: string,
  rawKey: Buffer,
  header: string,
  payload: string,
  signature: string,
) {
  const cacheKey = `${publicKey} ${header}.${payload}.${signature}`;
  if (verifiedJwts.has(cacheKey)) return true;
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: rawKey.subarray(1, 33).toString("base64url"),
      y: rawKey.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  const signed = Buffer.from(`${header}.${payload}`);
  const sig = Buffer.from(signature, "base64url");
  if (!verify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, sig)) return false;
  if (verifiedJwts.size >= VERIFIED_JWTS_KEPT) verifiedJwts.clear();
  verifiedJwts.add(cacheKey);
  return true;
}

function forbidden(reason: string): VapidResult {
  return { ok: false, status: 403, reason };
}

function jsonPart(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Splits an RFC 8291 body into its RFC 8188 header's parts; throws when its shape is wrong. */
export function checkAes128gcmHeader(body: Buffer): { salt: Buffer; asPublic: Buffer; record: Buffer } {
  // RFC 8188 header: salt(16) | rs(4) | idlen(1) | keyid(idlen) — keyid is the sender's public key
  if (body.length < 21) throw new Error("body shorter than the aes128gcm header");
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const asPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error("keyid must be the 65-byte sender public key");
  if (record.length > recordSize) throw new Error("RFC 8291 allows a single record only");
  if (record.length < 17) throw new Error("record too short");
  return { salt, asPublic, record };
}

/**
 * Decrypts an RFC 8291 push message body with the user agent's key pair and auth secret.
 * Throws on anything malformed (which a push peer turns into a 400).
 */
export function decryptAes128gcm(body: Buffer, uaPrivateKey: Buffer, authSecret: Buffer): string {
  const { salt, asPublic, record } = checkAes128gcmHeader(body);

  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(uaPrivateKey);
  const uaPublic = ecdh.getPublicKey();
  const ecdhSecret = ecdh.computeSecret(asPublic);

  // IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32)
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", ecdhSecret, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));

  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);

  // The plaintext is followed by a delimiter (0x02 for the last record) and then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 0x02) throw new Error("missing last-record padding delimiter 0x02");
  return padded.subarray(0, end).toString("utf8");
}
