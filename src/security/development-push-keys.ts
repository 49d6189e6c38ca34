/**
 * Local mode's web push keys: with no VAPID_* set outside production, a VAPID key pair generated
 * once into DATA_DIR/vapid.json (readable by its owner only, like keys.json) and reused on every
 * start, so a browser can sign up for push on /subscribe and alerts to it land in the local
 * outbox (/dev/outbox). Nothing is pushed with it: the push sender stays the outbox while VAPID_*
 * is unset, and production refuses to start without VAPID_* (config.ts), so this key never
 * reaches a push service or a real resident.
 */
import { join } from "node:path";
import webpush from "web-push";
import type { Config } from "../config.ts";
import { readOrCreateKeyFile } from "./write-once.ts";

type VapidFile = { publicKey: string; privateKey: string; createdAt: string };

export const DEVELOPMENT_PUSH_KEY_FILE = "vapid.json";

/** The config with `localPushKey` set when local mode has no VAPID keys of its own. */
export function withDevelopmentPushKey(config: Config, warn: (message: string) => void): Config {
  if (config.push || config.env === "production") return config;
  const path = join(config.dataDir, DEVELOPMENT_PUSH_KEY_FILE);
  const file = readOrCreateKeyFile<VapidFile>(path, () => ({
    ...webpush.generateVAPIDKeys(),
    createdAt: new Date().toISOString(),
  }));
  warn(
    `Using a development web push key from ${path}: browsers can sign up for push, and alerts to them go to the local outbox. ` +
      "Set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT to send real pushes.",
  );
  return { ...config, localPushKey: file.publicKey };
}
