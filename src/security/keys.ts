/**
 * Where the PII keys come from: the environment (PII_ENCRYPTION_KEYS, BLIND_INDEX_KEY), or, in local
 * development only, a key file generated once into DATA_DIR. Production refuses to start without
 * the environment keys (see config.ts), so a generated key never protects real residents' data.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Keyring } from "./pii.ts";
import { readOrCreateKeyFile } from "./write-once.ts";

type KeyMaterial = {
  keyring: Keyring;
  blindIndexKey: Buffer;
  /** During a blind-index key rotation: the key being retired (BLIND_INDEX_KEY_PREVIOUS). */
  previousBlindIndexKey?: Buffer;
  generatedAt?: string;
};

type KeyFile = { pii: { id: string; key: string }[]; blindIndex: string; createdAt: string };

export function loadKeys(config: Config, warn: (message: string) => void): KeyMaterial {
  if (config.piiKeyring && config.blindIndexKey) {
    return {
      keyring: config.piiKeyring,
      blindIndexKey: config.blindIndexKey,
      previousBlindIndexKey: config.previousBlindIndexKey,
    };
  }
  if (config.piiKeyring || config.blindIndexKey) {
    throw new Error("Set both PII_ENCRYPTION_KEYS and BLIND_INDEX_KEY, or neither (local development only)");
  }
  const path = join(config.dataDir, "keys.json");
  const file = readOrCreateKeyFile<KeyFile>(path, () => ({
    pii: [{ id: "local1", key: randomBytes(32).toString("base64") }],
    blindIndex: randomBytes(32).toString("base64"),
    createdAt: new Date().toISOString(),
  }));
  warn(
    `Using development encryption keys from ${path}. Set PII_ENCRYPTION_KEYS and BLIND_INDEX_KEY ` +
      "for any deployment that holds real residents' data; losing this file makes stored addresses unreadable.",
  );
  return {
    keyring: file.pii.map(({ id, key }) => ({ id, key: Buffer.from(key, "base64") })),
    blindIndexKey: Buffer.from(file.blindIndex, "base64"),
    generatedAt: file.createdAt,
  };
}
