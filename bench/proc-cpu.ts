/**
 * CPU time for the benchmarks, read from Linux's /proc (zeros, or undefined, elsewhere): a
 * process's, the whole machine's, the local Postgres server's, and this process's own; and the
 * ports of a process's TCP connections, to find its Postgres backends.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

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

/**
 * The local ports of a process's TCP connections to `remotePort`: with pg_stat_activity's
 * client_port they name the Postgres backends serving that process, whichever library opened
 * them. Its sockets' inodes come from /proc/<pid>/fd, their ports from its tcp and tcp6 tables.
 * Empty once the process has gone, or without /proc.
 */
export function tcpClientPorts(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (socket) inodes.add(socket[1]!);
      } catch {
        // the descriptor closed while we read it
      }
    }
  } catch {
    return new Set();
  }
  const ports = new Set<number>();
  for (const table of ["tcp", "tcp6"]) {
    let lines: string[];
    try {
      lines = readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1);
    } catch {
      continue;
    }
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      const port = (address: string) => Number.parseInt(address.split(":")[1]!, 16);
      if (port(fields[2]!) === remotePort) ports.add(port(fields[1]!));
    }
  }
  return ports;
}

/** This process's CPU seconds since `before` (process.cpuUsage()). */
export function cpuSecondsSince(before: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1e6;
}
