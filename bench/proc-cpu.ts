/**
 * CPU time for the benchmarks, read from Linux's /proc (zeros, or undefined, elsewhere): a
 * process's, the whole machine's, the local Postgres server's, and this process's own.
 */
import { readdirSync, readFileSync } from "node:fs";

/** /proc counts CPU time in USER_HZ ticks, 100 a second on Linux. */
export const TICK_MS = 10;

/** The fields of /proc/<pid>/stat after "(comm) ": state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14). */
function statFields(pid: number | string): string[] {
  return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
}

/** CPU ticks a process has used so far (user + system); 0 once it has gone or without /proc. */
export function processTicks(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = statFields(pid);
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The machine's CPU ticks so far, all CPUs: busy (all but idle and iowait) and in total. */
export function machineTicks(): { busy: number; total: number } {
  try {
    const [, ...values] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const ticks = values.slice(0, 8).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busy: total - ticks[3]! - ticks[4]!, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * CPU seconds the local Postgres server has used so far (undefined when no postgres process is
 * found): every running postgres process, plus what the postmaster has collected from backends
 * that have already exited. It counts the whole server, so other databases' work during a run
 * shows up too; the benchmarks run on a quiet machine.
 */
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
      const fields = statFields(pid);
      ticks += Number(fields[11]) + Number(fields[12]);
      const parentIsPostgres = readFileSync(`/proc/${fields[1]}/comm`, "utf8").trim() === "postgres";
      if (!parentIsPostgres) ticks += Number(fields[13]) + Number(fields[14]); // the postmaster
      found = true;
    } catch {
      // the process ended while we read it
    }
  }
  return found ? (ticks * TICK_MS) / 1000 : undefined;
}

/** This process's CPU seconds since `before` (process.cpuUsage()). */
export function cpuSecondsSince(before: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1e6;
}
