/**
 * CPU seconds the local Postgres server has used so far, read from /proc (Linux; undefined
 * elsewhere or when no postgres process is found): every running postgres process, plus what the
 * postmaster has collected from backends that have already exited. It counts the whole server, so
 * other databases' work during a run shows up too; the benchmarks run on a quiet machine.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ

export function postgresCpuSeconds(): number | undefined {
  let ticks = 0;
  let found = false;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "postgres") continue;
      // Fields after "(comm) ": state ppid … utime(11) stime(12) cutime(13) cstime(14).
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
      const parent = fields[1]!;
      const parentIsPostgres = readFileSync(`/proc/${parent}/comm`, "utf8").trim() === "postgres";
      if (!parentIsPostgres) ticks += Number(fields[13]) + Number(fields[14]); // the postmaster
      found = true;
    } catch {
      // the process ended while we read it
    }
  }
  return found ? ticks / TICKS_PER_SECOND : undefined;
}
