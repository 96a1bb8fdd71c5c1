// N copies of the standalone server behind one port, for bench/scale-out.mjs (README, "Past one machine").
//
//   node lib/cluster.mjs <N>      (environment: the server's, PORT and HOST included)
//
// A node:cluster primary forks N workers, each running apps/server/dist/main.js with the server's node
// flags; the workers' listen() on PORT is shared through the primary, which accepts each new connection
// and hands it to the workers in turn (round robin). wrk's keep-alive connections are each accepted once,
// so the primary does almost nothing during a run, and the 32 connections spread evenly (8 per worker at
// N = 4), as behind a load balancer. Prints `CLUSTER_READY {"pids":[...]}` once every worker listens,
// and stops the workers on SIGTERM.

import cluster from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverNodeFlags } from './rss.mjs';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps', 'server');
const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n < 1) throw new Error('usage: node lib/cluster.mjs <N>');

cluster.schedulingPolicy = cluster.SCHED_RR;
cluster.setupPrimary({
  exec: join(SERVER_DIR, 'dist', 'main.js'),
  execArgv: serverNodeFlags(),
  cwd: SERVER_DIR,
});
let listening = 0;
let stopping = false;
for (let i = 0; i < n; i++) cluster.fork();
cluster.on('listening', () => {
  if (++listening === n) {
    const pids = Object.values(cluster.workers).map((w) => w.process.pid);
    process.stdout.write(`CLUSTER_READY ${JSON.stringify({ pids })}\n`);
  }
});
cluster.on('exit', (worker, code) => {
  if (stopping) {
    if (Object.keys(cluster.workers).length === 0) process.exit(0);
    return;
  }
  console.error(`cluster: worker ${worker.process.pid} exited with ${code}`);
  process.exit(1);
});
process.on('SIGTERM', () => {
  stopping = true;
  for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
  setTimeout(() => process.exit(1), 15_000).unref();
});
