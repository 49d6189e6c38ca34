/**
 * Where the PII keys come from: the environment (PII_ENCRYPTION_KEYS, BLIND_INDEX_KEY), or, in local
 * development only, a key file generated once into DATA_DIR. Production refuses to start without
 * the environment keys (see config.ts), so a generated key never protects real residents' data.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Keyring } from "./pii.ts";

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
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    const file: KeyFile = {
      pii: [{ id: "local1", key: randomBytes(32).toString("base64") }],
      blindIndex: randomBytes(32).toString("base64"),
      createdAt: new Date().toISOString(),
    };
    // Written whole under a name of its own, then linked into place: two processes starting at
    // once on a fresh DATA_DIR agree on one key file (the loser reads the winner's), and nobody
    // reads a half-written one. Overwriting would make what the other already sealed unreadable.
    const draft = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
    writeFileSync(draft, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    try {
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  const file = JSON.parse(readFileSync(path, "utf8")) as KeyFile;
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
