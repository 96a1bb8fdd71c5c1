// Peak resident memory (RSS) of processes during one workload, for the bench scripts (README, "Memory").
//
//   const rss = watchRss([server.pid]);   // just before the workload
//   ... workload ...
//   const peaks = rss.stop();            // [{ pid, peak_mb, idle_mb }] in the order given
//
// Each process's VmHWM (peak since start) is reset first (writing 5 to /proc/<pid>/clear_refs) so the
// peak covers only the workload; VmRSS is also polled every 100 ms, the fallback where the reset is not
// permitted. Linux only: elsewhere the figures are null.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/** A /proc/<pid>/status field in kB (VmRSS, VmHWM); null when unreadable. */
export function statusKb(pid, field) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'),
    );
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

// Decimal megabytes (1 MB = 10^6 bytes), as run.sh's report (lib/report.mjs) gives them.
const mb = (kb) => (kb === null ? null : Number(((kb * 1024) / 1e6).toFixed(1)));

export function watchRss(pids) {
  const state = pids.map((pid) => {
    let reset = false;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      reset = true;
    } catch {}
    const start = statusKb(pid, 'VmRSS');
    return { pid, reset, start, polled: start ?? 0 };
  });
  const poll = () => {
    for (const s of state) s.polled = Math.max(s.polled, statusKb(s.pid, 'VmRSS') ?? 0);
  };
  const timer = setInterval(poll, 100);
  return {
    stop() {
      clearInterval(timer);
      poll();
      return state.map((s) => {
        const hwm = s.reset ? statusKb(s.pid, 'VmHWM') : null;
        return { pid: s.pid, start_mb: mb(s.start), peak_mb: mb(Math.max(hwm ?? 0, s.polled) || null) };
      });
    },
  };
}

/** The server's launcher: `sh LAUNCHER <node flags> dist/main.js` picks the profile by DATABASE_URL. */
export const LAUNCHER = join(BENCH_DIR, '..', 'apps', 'server', 'scripts', 'node-profile.sh');

/**
 * The node flags the server runs with on PostgreSQL (apps/server/scripts/node-profile.sh, the start scripts'
 * launcher; README "Node flags"), read from the launcher itself, so a bench measures the server's memory as
 * it is started in production. The benches that use these start node themselves, always on PostgreSQL.
 */
export function serverNodeFlags() {
  const printed = execFileSync('sh', [LAUNCHER, '-p', 'JSON.stringify(process.execArgv)'], {
    env: { ...process.env, DATABASE_URL: 'postgres://flags-only' },
    encoding: 'utf8',
  });
  const argv = JSON.parse(printed);
  return argv.slice(0, argv.indexOf('-p'));
}
