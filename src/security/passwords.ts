/**
 * Password hashing: argon2id, as PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash").
 *
 * The Node build uses @node-rs/argon2 (Rust's argon2 crate through N-API, prebuilt per platform),
 * which hashes on the libuv thread pool so a login never stalls the event loop that sends alerts.
 * Native addons cannot load in a Cloudflare Worker: a Worker build swaps this module for a pure
 * JS/WASM argon2id behind the same two functions. PHC strings are the same in every
 * implementation, so hashes made here verify there and the other way round.
 */
import { hash, verify } from "@node-rs/argon2";

// Algorithm.Argon2id of the binding's const enum, which erasable TypeScript cannot import.
const ARGON2ID = 2;

/** OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. Not lower, anywhere, tests included. */
export const ARGON2_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...ARGON2_PARAMS });
}

/** False for a wrong password and for a hash that cannot be read; never throws for either. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

// Verified against when the account does not exist, so an unknown email costs the same time as a
// wrong password and timing does not tell which accounts exist.
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword("decoy password that matches nothing");
  return decoy;
}
