/**
 * argon2id in plain JavaScript (@noble/hashes), for runtimes that cannot load native addons: a
 * Cloudflare Worker, where wrangler.toml aliases @node-rs/argon2 to this module. It exports the
 * two functions src/security/passwords.ts uses, with the same PHC strings
 * ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", unpadded base64), so a hash made by either
 * implementation verifies in the other (test/unit/worker-parts.test.ts checks both ways).
 */
import { argon2idAsync } from "@noble/hashes/argon2.js";

type Options = { algorithm?: number; memoryCost?: number; timeCost?: number; parallelism?: number };

const ARGON2ID = 2;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const VERSION = 0x13;
// Hashes we did not make are refused above this (the Worker has 128 MB; a forged PHC must not OOM it).
const MAX_MEMORY_KIB = 256 * 1024;

export async function hash(password: string, options: Options = {}): Promise<string> {
  if (options.algorithm !== undefined && options.algorithm !== ARGON2ID) {
    throw new Error("only argon2id is supported");
  }
  const m = options.memoryCost ?? 19_456;
  const t = options.timeCost ?? 2;
  const p = options.parallelism ?? 1;
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const digest = await derive(password, salt, m, t, p, HASH_BYTES);
  return `$argon2id$v=${VERSION}$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(digest)}`;
}

export async function verify(phc: string, password: string): Promise<boolean> {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!match) throw new Error("not an argon2id PHC string");
  const [m, t, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m > MAX_MEMORY_KIB || t > 64 || p > 16 || m < 8 * p) throw new Error("argon2 parameters out of range");
  const salt = unb64(match[4]!);
  const expected = unb64(match[5]!);
  const actual = await derive(password, salt, m, t, p, expected.length);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ actual[i]!;
  return diff === 0;
}

function derive(password: string, salt: Uint8Array, m: number, t: number, p: number, dkLen: number) {
  return argon2idAsync(new TextEncoder().encode(password), salt, {
    m,
    t,
    p,
    dkLen,
    version: VERSION,
    maxmem: 2 ** 32 - 1,
    asyncTick: 50,
  });
}

function b64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, "");
}

function unb64(text: string): Uint8Array {
  const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}
