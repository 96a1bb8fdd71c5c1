// Email delivery benchmark: how fast the outbox dispatcher empties a backlog, and how long an invitation
// waits between its creation and its email arriving, with 1 and with 2 dispatcher processes.
//
//   npx -y pnpm@10 run build && node bench/delivery.mjs
//
// For each process count, on a fresh PostgreSQL database:
//   1. starts a local SMTP server (smtp-server) on 127.0.0.1 that records when each recipient's message ends;
//   2. warm-up, not recorded: seeds BENCH_DELIVERY_WARMUP invitations (default 2,000), has P dispatcher
//      processes (`createInvitekit({ smtpUrl }).start()`, default settings) deliver them, then has each
//      close and open its Invitekit again in the same process, so the code stays compiled;
//   3. seeds BENCH_DELIVERY_N invitations (default 5,000, notify on) through the service API, the dispatchers
//      idle, then starts the P dispatchers at once;
//   4. waits until every email has arrived, then reports emails/s (N / time from start to the last
//      receipt), the delay from each invitation's created_at to its receipt (p50/p99/max), and checks
//      exactly once over every email of the run (warm-up included): each received once, one `delivered`
//      row and one `emailed` event each;
//   5. reports the CPU each part spent per email (from /proc: the dispatcher processes, this process with
//      the SMTP server, the bench database's PostgreSQL backends, and everything else on the machine), and
//      the rate the delivery's own CPU would allow on 2 otherwise idle cores: on a shared machine, other
//      work takes cores from the run and emails/s falls with it, while CPU per email moves much less.
// Prints PASS/FAIL against issue 15's targets (2 processes ≥ 3,000 emails/s and faster than 1, live p99
// < 200 ms) and exits non-zero when an email was lost or duplicated.
// Backlog delays grow with N by construction (the last email waits for the N-1 before it), so the
// `live` phase also measures the delay while the dispatchers run: BENCH_DELIVERY_LIVE (default 1,000)
// more invitations created while they run, 10 per bulk call, 4 calls in flight, by this process, which runs
// no dispatcher: their NOTIFY wakes the dispatchers.
//
// Environment: BENCH_PG_URL (admin connection, default postgres://$PGUSER@127.0.0.1:5432/postgres, PGUSER
// defaulting to root as in run.sh), BENCH_DELIVERY_WARMUP (default 2000; 0: no warm-up), BENCH_DELIVERY_N,
// BENCH_DELIVERY_LIVE, BENCH_DELIVERY_PROCESSES
// (default "1,2"), BENCH_DELIVERY_CONCURRENCY (the dispatcher's `delivery.concurrency`, default 128).
// Prints one `BENCH_DELIVERY {json}` line per run.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { machineTicks, processTicks } from './lib/proc.mjs';
import { serverNodeFlags, watchRss } from './lib/rss.mjs';

const self = fileURLToPath(import.meta.url);
const coreDist = fileURLToPath(new URL('../packages/core/dist/index.js', import.meta.url));
if (!existsSync(coreDist)) {
  console.error('Build first: npx -y pnpm@10 run build');
  process.exit(1);
}
const { createInvitekit } = await import('@invitekit/core');

// ---- worker: one dispatcher process ------------------------------------------------------------------
if (process.argv[2] === 'worker') {
  const [, , , databaseUrl, smtpUrl] = process.argv;
  const concurrency = process.env.BENCH_DELIVERY_CONCURRENCY;
  const open = () =>
    createInvitekit({
      database: { url: databaseUrl, poolSize: 8 },
      smtpUrl,
      ...(concurrency ? { delivery: { concurrency: Number(concurrency) } } : {}),
    });
  let ik = await open();
  process.once('SIGTERM', () => ik.close().then(() => process.exit(0)));
  // The parent writes one command a line: `start` (deliver), `pause` (close, then open again in this
  // process, so the code the warm-up compiled stays warm; answers `paused`). All start together.
  createInterface({ input: process.stdin }).on('line', async (command) => {
    if (command === 'start') ik.start();
    if (command === 'pause') {
      await ik.close();
      ik = await open();
      process.stdout.write('paused\n');
    }
  });
  process.stdout.write('ready\n');
} else {
  await main();
}

async function main() {
  const adminUrl =
    process.env.BENCH_PG_URL ?? `postgres://${process.env.PGUSER ?? 'root'}@127.0.0.1:5432/postgres`;
  const N = Number(process.env.BENCH_DELIVERY_N ?? 5000);
  const WARMUP = Number(process.env.BENCH_DELIVERY_WARMUP ?? 2000);
  const LIVE = Number(process.env.BENCH_DELIVERY_LIVE ?? 1000);
  const counts = (process.env.BENCH_DELIVERY_PROCESSES ?? '1,2').split(',').map(Number);
  const loadAtStart = loadavg();
  const results = [];
  for (const processes of counts) results.push(await run(adminUrl, N, LIVE, WARMUP, processes));
  console.log(
    '\nprocesses | phase   | emails | emails/s | p50 delay ms | p99 delay ms | max ms | exactly once | CPU ms/email: dispatchers, bench+SMTP, PostgreSQL, other | busy cores | emails/s its CPU allows on 2 idle cores',
  );
  for (const r of results) {
    for (const phase of ['backlog', 'live']) {
      const p = r[phase];
      if (!p) continue;
      const c = p.cpu;
      const own = c.dispatchers_ms + c.bench_smtp_ms + c.postgres_ms;
      console.log(
        `${String(r.processes).padStart(9)} | ${phase.padEnd(7)} | ${String(p.emails).padStart(6)} | ${p.per_second.toFixed(0).padStart(8)} | ${p.p50_ms.toFixed(0).padStart(12)} | ${p.p99_ms.toFixed(0).padStart(12)} | ${p.max_ms.toFixed(0).padStart(6)} | ${String(r.exactly_once).padEnd(12)} | ${[c.dispatchers_ms, c.bench_smtp_ms, c.postgres_ms, c.other_ms].map((x) => x.toFixed(2)).join(', ')} | ${c.machine_busy_cores.toFixed(2)} | ${own > 0 ? (2000 / own).toFixed(0) : '-'}`,
      );
    }
  }
  console.log(
    `load average at the start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (2 cores; other work inflates it)`,
  );

  // Issue 15's targets. Exactly once is a correctness check: the script fails without it.
  const verdict = (ok, text) => console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
  const byCount = new Map(results.map((r) => [r.processes, r]));
  const two = byCount.get(2);
  const one = byCount.get(1);
  verdict(
    results.every((r) => r.exactly_once),
    'every email exactly once (SMTP receipts, delivered rows, emailed events)',
  );
  if (two)
    verdict(
      two.backlog.per_second >= 3000,
      `backlog with 2 processes ≥ 3,000 emails/s (${two.backlog.per_second.toFixed(0)})`,
    );
  if (one && two)
    verdict(
      two.backlog.per_second > one.backlog.per_second,
      `2 processes faster than 1 (${one.backlog.per_second.toFixed(0)} → ${two.backlog.per_second.toFixed(0)} emails/s)`,
    );
  for (const r of results) {
    if (r.live)
      verdict(
        r.live.p99_ms < 200,
        `live delay p99 < 200 ms with ${r.processes} process(es) (${r.live.p99_ms} ms)`,
      );
  }
  if (!results.every((r) => r.exactly_once)) process.exitCode = 1;
}

/**
 * CPU of each part at one moment: the dispatcher processes, this process (the SMTP server, and during the
 * live phase the creates), the PostgreSQL backends of the bench database (found by their process title),
 * and the machine. Linux only; elsewhere the CPU columns read 0.
 */
function cpuSnapshot(workerPids, dbName) {
  const postgres = {};
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        // A backend's title names its database (the dispatchers' command lines do too: not those).
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (title.startsWith('postgres:') && title.includes(dbName)) postgres[pid] = processTicks(pid);
      } catch {}
    }
    return {
      at: Date.now(),
      workers: workerPids.reduce((n, pid) => n + processTicks(pid), 0),
      self: processTicks(process.pid),
      postgres,
      machine: machineTicks(),
    };
  } catch {
    return { at: Date.now(), workers: 0, self: 0, postgres, machine: { busy: 0, total: 0 } };
  }
}

/** CPU ms per email of each part between two snapshots, and the machine's busy cores meanwhile. */
function cpuPerEmail(a, b, emails) {
  const ms = (ticks) => (ticks * 10) / emails;
  let pgTicks = 0;
  for (const [pid, t] of Object.entries(b.postgres)) pgTicks += t - (a.postgres[pid] ?? 0);
  const machineBusy = b.machine.busy - a.machine.busy;
  const accounted = b.workers - a.workers + (b.self - a.self) + pgTicks;
  return {
    dispatchers_ms: ms(b.workers - a.workers),
    bench_smtp_ms: ms(b.self - a.self),
    postgres_ms: ms(pgTicks),
    other_ms: ms(Math.max(0, machineBusy - accounted)),
    machine_busy_cores:
      b.machine.total > a.machine.total
        ? (machineBusy / (b.machine.total - a.machine.total)) * cpus().length
        : 0,
  };
}

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function run(adminUrl, N, LIVE, WARMUP, processes) {
  const dbName = `invitekit_bench_delivery_${process.pid}_${processes}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();

  // The SMTP server: receipt time per recipient.
  const receipts = new Map();
  let received = 0;
  let onReceipt = () => {};
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        const at = Date.now();
        for (const r of session.envelope.rcptTo) {
          receipts.set(r.address, (receipts.get(r.address) ?? []).concat(at));
          received++;
        }
        callback();
        onReceipt();
      });
    },
  });
  await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${smtp.server.address().port}`;

  // Seed the backlog with nothing started.
  // Limits off: N invitations in one organization (README, "Limits").
  const seeder = await createInvitekit({
    database: { url: databaseUrl, poolSize: 8 },
    limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
  });
  const adminUser = await seeder.services.users.create({
    emailAddresses: ['admin@bench.example.com'],
    firstName: 'Ada',
  });
  const org = await seeder.services.organizations.create({ name: 'Bench Inc', createdBy: adminUser.id });
  const createdAt = new Map();
  const create = async (prefix, total, concurrency) => {
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const start = next;
        next += 10;
        const items = [];
        for (let i = start; i < Math.min(total, start + 10); i++) {
          items.push({
            emailAddress: `${prefix}-${i}@bench.example.com`,
            role: 'org:member',
            inviterUserId: adminUser.id,
          });
        }
        const made = await seeder.services.organizationInvitations.createMany(org.id, items);
        for (const m of made) createdAt.set(m.emailAddress, m.createdAt);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await create('warmup', WARMUP, 8);

  const workers = [];
  for (let i = 0; i < processes; i++) {
    const prof = process.env.BENCH_DELIVERY_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_DELIVERY_CPU_PROF}`]
      : [];
    // The server's node flags, so the dispatchers' memory is the server's (README, "Memory").
    const child = spawn(
      process.execPath,
      [...serverNodeFlags(), ...prof, self, 'worker', databaseUrl, smtpUrl],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    await new Promise((resolve, reject) => {
      child.stdout.once('data', resolve);
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
    workers.push(child);
  }
  const waitFor = (count) =>
    new Promise((resolve) => {
      if (received >= count) return resolve();
      onReceipt = () => received >= count && resolve();
    });

  const stats = (prefix, startedAt, cpuFrom) => {
    const delays = [];
    let last = 0;
    for (const [address, times] of receipts) {
      if (!address.startsWith(prefix)) continue;
      delays.push(times[0] - createdAt.get(address));
      last = Math.max(last, times[0]);
    }
    delays.sort((a, b) => a - b);
    return {
      emails: delays.length,
      seconds: (last - startedAt) / 1000,
      per_second: delays.length / ((last - startedAt) / 1000),
      p50_ms: quantile(delays, 0.5),
      p99_ms: quantile(delays, 0.99),
      max_ms: delays[delays.length - 1],
      cpu: cpuPerEmail(cpuFrom, cpuSnapshot(workerPids, dbName), delays.length),
    };
  };

  const rss = watchRss(workers.map((w) => w.pid)); // peak RSS of each dispatcher, backlog and live
  const workerPids = workers.map((w) => w.pid);

  // Warm-up, not recorded (as run.sh and accept.mjs warm the server up): a first backlog, delivered, so
  // the measured one runs on compiled code rather than paying each process's JIT warm-up inside 1-2 s.
  // Then every dispatcher closes and opens again in its process, idle while the measured backlog is seeded.
  if (WARMUP > 0) {
    for (const w of workers) w.stdin.write('start\n');
    await waitFor(WARMUP);
    await Promise.all(
      workers.map((w) => {
        const paused = new Promise((resolve) => w.stdout.once('data', resolve));
        w.stdin.write('pause\n');
        return paused;
      }),
    );
  }
  const seedStart = performance.now();
  await create('backlog', N, 8);
  console.error(`[${processes}p] seeded ${N} in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const backlogCpu = cpuSnapshot(workerPids, dbName);
  const startedAt = Date.now();
  for (const w of workers) w.stdin.write('start\n');
  await waitFor(WARMUP + N);
  const backlog = stats('backlog', startedAt, backlogCpu);
  console.error(`[${processes}p] backlog of ${N} delivered in ${backlog.seconds.toFixed(1)} s`);

  let live = null;
  if (LIVE > 0) {
    const liveCpu = cpuSnapshot(workerPids, dbName);
    const liveStart = Date.now();
    await create('live', LIVE, 4);
    await waitFor(WARMUP + N + LIVE);
    live = stats('live', liveStart, liveCpu);
  }

  // Exactly once: at the SMTP server and in the database (outcomes are recorded just after receipt).
  const total = WARMUP + N + LIVE;
  const check = new pg.Client({ connectionString: databaseUrl });
  await check.connect();
  const countsNow = async () =>
    (
      await check.query(`SELECT
    (SELECT count(*)::int FROM outbox WHERE status = 'delivered') AS delivered,
    (SELECT count(*)::int FROM invitation_events WHERE type = 'emailed') AS emailed`)
    ).rows[0];
  let delivered = await countsNow();
  for (const deadline = Date.now() + 60_000; delivered.delivered < total && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 100));
    delivered = await countsNow();
  }
  await check.end();
  const duplicates = [...receipts.values()].filter((t) => t.length > 1).length;
  const exactlyOnce =
    received === total && receipts.size === total && duplicates === 0 && delivered.delivered === total;

  const dispatcherPeakRssMb = rss.stop().map((r) => r.peak_mb);
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r() : w.once('exit', r)))));
  await seeder.close();
  await new Promise((r) => smtp.close(r));
  const a = new pg.Client({ connectionString: adminUrl });
  await a.connect();
  await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await a.end();

  const result = {
    processes,
    backlog,
    live,
    received,
    distinct_recipients: receipts.size,
    delivered_rows: delivered.delivered,
    emailed_events: delivered.emailed,
    exactly_once: exactlyOnce,
    dispatcher_peak_rss_mb: dispatcherPeakRssMb,
  };
  console.log(`BENCH_DELIVERY ${JSON.stringify(result)}`);
  return result;
}
