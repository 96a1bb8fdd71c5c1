// CPU accounting for one workload of bench/run.sh, from /proc (Linux). On a 2-core machine where wrk,
// the server and PostgreSQL share the cores, "who used the CPU" explains most results, and "another
// process used the CPU" (a test suite, a build) means the numbers of that run are not trustworthy.
//
//   node cpu.mjs snapshot <server pid> <out.json>
//   node cpu.mjs report <start.json> <end.json> <wrk cpu seconds> <postgres pids, comma-separated>
//   node cpu.mjs busy <seconds>      -> cores busy machine-wide over the next <seconds> (quiet check)
//
// report prints "key value" lines, in cores busy on average over the interval (1.00 = one core):
//   cpu_server_cores    the server process
//   cpu_postgres_cores  the given PostgreSQL processes (the bench database's backends + background)
//   cpu_wrk_cores       the load generator
//   cpu_machine_cores   everything (from /proc/stat)
//   cpu_other_cores     machine - the above: other tenants of the machine, plus the bench's own samplers

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { machineTicks, postgresTicks, processTicks, TICKS_PER_SECOND } from './proc.mjs';

const [command, ...args] = process.argv.slice(2);
if (command === 'busy') {
  const a = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, Number(args[0]) * 1000));
  const b = machineTicks();
  console.log((((b.busy - a.busy) / (b.total - a.total)) * cpus().length).toFixed(2));
} else if (command === 'snapshot') {
  const [serverPid, out] = args;
  const postgres = Object.fromEntries(postgresTicks());
  const snapshot = {
    time: performance.timeOrigin + performance.now(),
    server: processTicks(serverPid),
    machine: machineTicks(),
    postgres,
  };
  writeFileSync(out, JSON.stringify(snapshot));
} else if (command === 'report') {
  const [startFile, endFile, wrkSeconds, pgPids] = args;
  const a = JSON.parse(readFileSync(startFile, 'utf8'));
  const b = JSON.parse(readFileSync(endFile, 'utf8'));
  const seconds = (b.time - a.time) / 1000;
  const cores = (ticks) => ticks / TICKS_PER_SECOND / seconds;
  let pgTicks = 0;
  for (const pid of (pgPids ?? '').split(',').filter(Boolean)) {
    // A backend that started during the interval counts from zero.
    if (b.postgres[pid] !== undefined) pgTicks += b.postgres[pid] - (a.postgres[pid] ?? 0);
  }
  const machine = ((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * cpus().length;
  const server = cores(b.server - a.server);
  const postgres = cores(pgTicks);
  const wrk = Number(wrkSeconds) / seconds;
  const lines = {
    cpu_server_cores: server,
    cpu_postgres_cores: postgres,
    cpu_wrk_cores: wrk,
    cpu_machine_cores: machine,
    cpu_other_cores: Math.max(0, machine - server - postgres - wrk),
  };
  for (const [k, v] of Object.entries(lines)) console.log(`${k} ${v.toFixed(2)}`);
} else {
  throw new Error(`unknown command ${command}`);
}
