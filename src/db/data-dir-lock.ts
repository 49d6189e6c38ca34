/**
 * The embedded database has one owner. PGlite has no locking of its own: two processes opening the
 * same DATA_DIR (`aviso user create` while `aviso serve` runs) each write the files as if alone,
 * and the database was found beyond repair afterwards. So whoever opens it first takes
 * DATA_DIR/aviso.lock, and everyone else is refused until it is gone.
 *
 * - The lock file says who holds it (pid, host, command, since when). It is written whole under a
 *   name of its own and then hard-linked into place: link() fails if the lock exists (like O_EXCL),
 *   and nobody ever reads a half-written lock.
 * - A lock whose process no longer runs on this host (or was taken before this host's last boot,
 *   or names this very pid without this process having taken it: a container restarted) is stale
 *   and is taken over. A takeover first moves the file aside and checks it moved the stale one,
 *   putting back a lock someone else took meanwhile.
 * - It is released when the database is closed, and on exit: normal, process.exit(), SIGINT or
 *   SIGTERM (a signal nobody else handles releases it and is raised again, so the process still
 *   ends as the signal says). Only SIGKILL or a crash leaves it, and the next start sees it stale.
 * - A lock from another host (a DATA_DIR on a network share) cannot be checked and is refused.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, join, resolve } from "node:path";

export const LOCK_FILE = "aviso.lock";
/** The exit code of a command refused because another process holds DATA_DIR (EX_TEMPFAIL). */
export const EXIT_DATA_DIR_LOCKED = 75;

export type LockHolder = {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
  bootId: string | null;
  nonce: string;
};

export class DataDirLockedError extends Error {
  readonly dataDir: string;
  readonly holder: LockHolder | null;
  constructor(dataDir: string, holder: LockHolder | null) {
    const lockPath = join(dataDir, LOCK_FILE);
    const who = holder
      ? `process ${holder.pid}${holder.host === hostname() ? "" : ` on host ${holder.host}`} (${holder.command}, since ${holder.startedAt})`
      : "another process (its lock file cannot be read)";
    super(
      `the embedded database in ${dataDir} is in use by ${who}. Only one process may open it at a time; ` +
        "a second one would corrupt it. Stop that process and run this again, or use Postgres " +
        "(DATABASE_URL) to run several processes. Only if no Aviso process uses this folder (a crash " +
        `left the lock behind and its pid now belongs to something else), delete ${lockPath}.`,
    );
    this.name = "DataDirLockedError";
    this.dataDir = dataDir;
    this.holder = holder;
  }
}

export type DataDirLock = { path: string; release(): void };

/** Locks this process holds, by nonce: one of ours is never stale, and exit releases them all. */
const held = new Map<string, string>();

/** Takes DATA_DIR's lock for this process, or throws DataDirLockedError naming who holds it. */
export function lockDataDir(dataDir: string, command = commandName()): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command,
    startedAt: new Date().toISOString(),
    bootId: bootId(),
    nonce: randomBytes(12).toString("hex"),
  };
  const draft = `${path}.${mine.pid}.${mine.nonce}`;
  writeFileSync(draft, `${JSON.stringify(mine)}\n`, { mode: 0o600, flag: "wx" });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(draft, path);
        held.set(mine.nonce, path);
        watchExit();
        return { path, release: () => release(path, mine.nonce) };
      } catch (error) {
        if (code(error) !== "EEXIST") throw error;
      }
      const holder = readHolder(path);
      if (holder === undefined) continue; // gone meanwhile
      if (holder === null || !isStale(holder)) throw new DataDirLockedError(dir, holder);
      takeOver(path, holder);
    }
    throw new DataDirLockedError(dir, readHolder(path) ?? null);
  } finally {
    unlinkSync(draft);
  }
}

/** Who holds DATA_DIR's lock, if a live process does (a stale lock counts as free). */
export function dataDirLockHolder(dataDir: string): LockHolder | null {
  const holder = readHolder(join(resolve(dataDir), LOCK_FILE));
  if (holder === undefined) return null;
  return holder && isStale(holder) ? null : holder;
}

/** The holder; null when the file is there but unreadable; undefined when there is none. */
function readHolder(path: string): LockHolder | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (code(error) === "ENOENT") return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isInteger(value.pid) || typeof value.host !== "string" || typeof value.nonce !== "string") {
      return null;
    }
    return {
      pid: value.pid!,
      host: value.host,
      command: String(value.command ?? "unknown command"),
      startedAt: String(value.startedAt ?? "an unknown time"),
      bootId: typeof value.bootId === "string" ? value.bootId : null,
      nonce: value.nonce,
    };
  } catch {
    return null;
  }
}

function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false; // cannot be checked from here
  if (held.has(holder.nonce)) return false; // this process holds it (a second open is refused)
  const boot = bootId();
  if (boot && holder.bootId && boot !== holder.bootId) return true; // taken before a reboot
  if (holder.pid === process.pid) return true; // our pid, not our lock: a previous life's
  return !isRunning(holder.pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === "EPERM"; // it exists, under another user
  }
}

/** Removes the stale lock `holder` described, and only that one. */
function takeOver(path: string, holder: LockHolder): void {
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (code(error) === "ENOENT") return; // someone else removed it
    throw error;
  }
  const moved = readHolder(aside);
  if (moved?.nonce !== holder.nonce) {
    // A fresh lock taken since we read the stale one: put it back, where its owner expects it.
    try {
      linkSync(aside, path);
    } catch (error) {
      if (code(error) !== "EEXIST") throw error;
    }
  }
  unlinkSync(aside);
}

function release(path: string, nonce: string): void {
  if (!held.delete(nonce)) return;
  try {
    if (readHolder(path)?.nonce === nonce) unlinkSync(path);
  } catch {
    // Nothing to do on the way out; a lock left behind is stale by pid at the next start.
  }
  if (held.size === 0) unwatchExit();
}

function releaseAll(): void {
  for (const [nonce, path] of [...held]) release(path, nonce);
}

const onSignal = (signal: NodeJS.Signals) => {
  // Someone else handles it (`aviso serve` shuts down cleanly and exits, which releases).
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  unwatchExit();
  process.kill(process.pid, signal);
};
let watching = false;
function watchExit(): void {
  if (watching) return;
  watching = true;
  process.on("exit", releaseAll);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
function unwatchExit(): void {
  if (!watching) return;
  watching = false;
  process.off("exit", releaseAll);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}

/** Identifies this boot of the machine (Linux); null elsewhere. */
function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** "aviso serve", "aviso user create": the command's words, never its options (an email). */
function commandName(): string {
  const [, script = "node", ...args] = process.argv;
  const words = [];
  for (const arg of args) {
    if (arg.startsWith("-") || words.length === 2) break;
    words.push(arg);
  }
  return basename(script) === "main.ts" ? ["aviso", ...words].join(" ") : basename(script);
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
