// CPU readings from /proc (Linux), shared by the benches. Ticks are USER_HZ: 100 a second on every Linux
// architecture we run on.

import { readdirSync, readFileSync } from 'node:fs';

export const TICKS_PER_SECOND = 100;

/**
 * A process's command name, its CPU ticks (utime + stime) and those of its waited-for children (cutime +
 * cstime); null once it is gone.
 */
export function processStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name; utime, stime, cutime, cstime are fields 14–17.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      ticks: +rest[11] + +rest[12],
      childTicks: +rest[13] + +rest[14],
    };
  } catch {
    return null;
  }
}

/** utime + stime of a process, in ticks; 0 once it is gone. */
export const processTicks = (pid) => processStat(pid)?.ticks ?? 0;

/** The ticks of every process named `postgres` (backends and the cluster's background ones), by pid. */
export function postgresTicks() {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const p = processStat(pid);
    if (p?.comm === 'postgres') out.set(pid, p.ticks);
  }
  return out;
}

/** Busy and total (busy, idle, iowait) ticks of the whole machine, from /proc/stat. */
export function machineTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}
