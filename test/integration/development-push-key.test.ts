/**
 * Local mode's development VAPID key (src/security/development-push-keys.ts): generated once into
 * DATA_DIR, readable by its owner only, reused on the next start; never where VAPID_* is set, and
 * production still refuses to start without VAPID_*.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import webpush from "web-push";
import { ConfigError, loadConfig, pushPublicKey } from "../../src/config.ts";
import {
  DEVELOPMENT_PUSH_KEY_FILE,
  withDevelopmentPushKey,
} from "../../src/security/development-push-keys.ts";
import { testEnv } from "../support/runtime.ts";

describe("the development push key", () => {
  it("is made once in DATA_DIR, owner-only, and the same on the next start", () => {
    const env = testEnv();
    const warnings: string[] = [];
    const first = withDevelopmentPushKey(loadConfig(env), (w) => warnings.push(w));
    const path = join(env.DATA_DIR!, DEVELOPMENT_PUSH_KEY_FILE);
    const file = JSON.parse(readFileSync(path, "utf8")) as { publicKey: string; privateKey: string };
    expect(first.localPushKey).toBe(file.publicKey);
    expect(pushPublicKey(first)).toBe(file.publicKey);
    // A P-256 public key (65 bytes, uncompressed) and its private key, as web-push makes them.
    expect(Buffer.from(file.publicKey, "base64url")).toHaveLength(65);
    expect(Buffer.from(file.privateKey, "base64url")).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(first.push).toBeUndefined(); // pushes still go to the local outbox
    expect(warnings.join("\n")).toContain("development web push key");

    const again = withDevelopmentPushKey(loadConfig(env), () => {});
    expect(again.localPushKey).toBe(file.publicKey);
  });

  it("is not made when VAPID_* is set: the configured key is the one browsers get", () => {
    const vapid = webpush.generateVAPIDKeys();
    const env = testEnv({
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:alerts@aviso.test",
    });
    const config = withDevelopmentPushKey(loadConfig(env), () => {});
    expect(config.localPushKey).toBeUndefined();
    expect(pushPublicKey(config)).toBe(vapid.publicKey);
    expect(existsSync(join(env.DATA_DIR!, DEVELOPMENT_PUSH_KEY_FILE))).toBe(false);
  });

  it("never stands in for VAPID_* in production, which still refuses to start without them", () => {
    expect(() => loadConfig(testEnv({ NODE_ENV: "production" }))).toThrow(ConfigError);
    try {
      loadConfig(testEnv({ NODE_ENV: "production" }));
    } catch (error) {
      expect((error as ConfigError).problems.join("\n")).toContain("push (VAPID_*)");
    }
  });
});
