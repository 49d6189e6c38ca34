/**
 * A whole Aviso runtime for a test file: its own database (see db.ts), fixed test keys, and a
 * logger whose every line is captured, so tests can grep the logs for addresses.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type Config, loadConfig } from "../../src/config.ts";
import type { Clock } from "../../src/context.ts";
import type { SenderOptions } from "../../src/delivery/senders.ts";
import { createLogger } from "../../src/log.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export function testEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    NODE_ENV: "test",
    DATA_DIR: mkdtempSync(join(tmpdir(), "aviso-data-")),
    LOG_LEVEL: "debug",
    PII_ENCRYPTION_KEYS: `test1:${randomBytes(32).toString("base64")}`,
    BLIND_INDEX_KEY: randomBytes(32).toString("base64"),
    PUBLIC_URL: "https://aviso.test",
    // Requests through app.request() all come from one unknown address: tests about other things
    // must not meet the per-IP limit on public POSTs (test/integration/abuse.test.ts sets its own).
    PUBLIC_POSTS_PER_IP_PER_MINUTE: "100000",
    ...overrides,
  };
}

export class CapturedLog extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    callback();
  }
  get text(): string {
    return this.lines.join("\n");
  }
}

export type TestRuntime = Runtime & { database: TestDatabase; logs: CapturedLog; close(): Promise<void> };

export async function createTestRuntime(
  options: { env?: Record<string, string | undefined>; clock?: Clock; senders?: SenderOptions } = {},
): Promise<TestRuntime> {
  const config: Config = loadConfig(testEnv(options.env));
  const logs = new CapturedLog();
  const log = createLogger({ level: config.logLevel, destination: logs });
  const database = await createTestDatabase();
  const runtime = await createRuntime(config, log, {
    handle: database.handle,
    clock: options.clock,
    senders: options.senders,
  });
  return {
    ...runtime,
    database,
    logs,
    async close() {
      await runtime.close();
      await database.drop();
    },
  };
}
