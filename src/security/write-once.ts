/**
 * A development key file, created once in DATA_DIR and never overwritten: written whole under a
 * name of its own (readable by its owner only), then linked into place. Two processes starting at
 * once on a fresh DATA_DIR agree on one file (the loser reads the winner's), and nobody reads a
 * half-written one. Overwriting would lose what the first key already protects or signs.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The file's JSON, writing `create()` there first when there is no file yet. */
export function readOrCreateKeyFile<T>(path: string, create: () => T): T {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const draft = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
    writeFileSync(draft, `${JSON.stringify(create(), null, 2)}\n`, { mode: 0o600, flag: "wx" });
    try {
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
