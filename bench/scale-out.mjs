#!/usr/bin/env node
// Scale-out benchmark (README, "Past one machine"): 1, 2 and 4 standalone server processes behind one
// port, sharing one PostgreSQL, under the create and list workloads of bench/run.sh.
//
//   npx -y pnpm@10 run build && node bench/scale-out.mjs
//
// One run measures, in this order:
//   1. the reference: pgbench's single-row INSERT (bench/sql/*.sql, as bench/run.sh runs it);
//   2. for each N: N server processes (lib/cluster.mjs: node:cluster, one shared port), each also running
//      the background work (the dispatcher delivering the creates' emails): create (wrk -c32, a new
//      address per request), then list (first page of 10 in an organization of 10,000, seeded once);
//   3. for each N: N server processes with INVITEKIT_BACKGROUND=false plus one separate dispatcher process
//      (the same server, background on, no traffic): create.
// Each workload: a warm-up (-c8), then wrk -t2 -c32. Recorded per workload: req/s, p50/p99, ratio to the
// reference, the peak RSS of each server process (lib/rss.mjs), and the CPU split (cores busy on average:
// the server processes, the dispatcher, PostgreSQL, wrk, everything else). Emails go to the server's
// in-memory development mailer (no SMTP_URL): the dispatcher's work is real (claim, render, record the
// outcome), the SMTP round trip is not. Checks: no non-2xx or socket errors, every 2xx create a stored
// row, the list org holds exactly 10,000; the run exits 1 otherwise.
//
// Environment: BENCH_DURATION (s per workload, default 10), BENCH_WARMUP (s, default 3),
// BENCH_SCALE_PROCESSES (default 1,2,4), BENCH_SCALE_DB (database, dropped and recreated; default
// invitekit_bench_scale_out; the reference uses <it>_ref), BENCH_PORT (default: random), PGUSER (default
// root). Writes bench/results/scale-out-latest.json and prints a table.

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { machineTicks, processTicks } from './lib/proc.mjs';
import { serverNodeFlags, watchRss } from './lib/rss.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const HOST = '127.0.0.1'; // load only ever goes to this machine
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const COUNTS = (process.env.BENCH_SCALE_PROCESSES ?? '1,2,4').split(',').map(Number);
const DB = process.env.BENCH_SCALE_DB ?? 'invitekit_bench_scale_out';
const REF_DB = `${DB}_ref`;
const PGUSER = process.env.PGUSER ?? 'root';
const PG_ADMIN = `postgres://${PGUSER}@${HOST}:5432/postgres`;
const DATABASE_URL = `postgres://${PGUSER}@${HOST}:5432/${DB}`;
const PORT = Number(process.env.BENCH_PORT ?? 20000 + Math.floor(Math.random() * 20000));
const URL_BASE = `http://${HOST}:${PORT}`;
const KEY = `sk_test_scale_${randomBytes(12).toString('hex')}`;
const RUN_ID = `scale-${Date.now()}`;
const LIST_ROWS = 10_000;
const RUN_DIR = mkdtempSync(join(tmpdir(), 'invitekit-scale-out-'));
const log = (...args) => console.error('==>', ...args);

// The server as bench/run.sh starts it: limits off (the workloads create thousands of invitations a second
// in one organization from one inviter), no SMTP_URL (the in-memory development mailer).
const SERVER_ENV = {
  ...process.env,
  DATABASE_URL,
  HOST,
  INVITEKIT_SECRET_KEY: KEY,
  LOG_LEVEL: 'warn',
  INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION: '0',
  INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR: '0',
  INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE: '0',
};

// ---- processes and CPU ------------------------------------------------------------------------------------

/** PostgreSQL processes working for the bench: the database's backends and the cluster's background ones. */
async function postgresPids(database) {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = $1 OR backend_type NOT IN ('client backend', 'autovacuum worker')`,
      [database],
    );
    return rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}

async function sql(database, text) {
  const c = new pg.Client({ connectionString: `postgres://${PGUSER}@${HOST}:5432/${database}` });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

/**
 * Each process's pool size (its two pools each): the connection budget of one process split between N, as a
 * deployment sizes pools to PostgreSQL's max_connections (100 here, shared with others), never below 4.
 */
const poolSize = (n) => Math.max(4, Math.ceil(16 / n));

/** Starts N servers behind PORT (lib/cluster.mjs); resolves with the primary and the workers' pids. */
async function startCluster(n, env) {
  const primary = spawn(process.execPath, [join(BENCH_DIR, 'lib', 'cluster.mjs'), String(n)], {
    env: { ...SERVER_ENV, DATABASE_POOL_SIZE: String(poolSize(n)), ...env, PORT: String(PORT) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pids = await new Promise((resolve, reject) => {
    let out = '';
    primary.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/CLUSTER_READY (.*)\n/);
      if (m) resolve(JSON.parse(m[1]).pids);
    });
    primary.once('exit', (code) => reject(new Error(`cluster exited with ${code}`)));
  });
  // Each new connection goes to the next worker: 2N healthy answers in a row, each on a new connection,
  // mean every worker has its database open (a worker listens before, answering 503 meanwhile).
  for (let ok = 0, tries = 0; ok < 2 * n; tries++) {
    if (tries > 600) throw new Error('servers not ready after 60 s');
    const res = await fetch(`${URL_BASE}/healthz`, { headers: { connection: 'close' } }).catch(() => null);
    ok = res?.ok ? ok + 1 : 0;
    if (!res?.ok) await new Promise((r) => setTimeout(r, 100));
  }
  return { primary, pids };
}

/** One more server process, on a port of its own that gets no traffic: the separate dispatcher. */
async function startDispatcher() {
  const child = spawn(process.execPath, [...serverNodeFlags(), 'dist/main.js'], {
    cwd: join(ROOT, 'apps', 'server'),
    env: { ...SERVER_ENV, DATABASE_POOL_SIZE: '4', PORT: String(PORT + 1), INVITEKIT_BACKGROUND: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (i > 600 || child.exitCode !== null) throw new Error('dispatcher not ready');
    const res = await fetch(`http://${HOST}:${PORT + 1}/healthz`).catch(() => null);
    if (res?.ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

// ---- workloads ----------------------------------------------------------------------------------------------

async function api(method, path, body) {
  const res = await fetch(URL_BASE + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const seed = (...args) =>
  JSON.parse(
    execFileSync(process.execPath, [join(BENCH_DIR, 'lib', 'seed.mjs'), ...args], {
      env: { ...process.env, BENCH_URL: URL_BASE, BENCH_KEY: KEY, BENCH_RUN_ID: `${RUN_ID}-${args[0]}` },
    }).toString(),
  );

function wrk(script, connections, seconds, env, out) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'wrk',
      [
        '-t2',
        `-c${connections}`,
        `-d${seconds}s`,
        '--timeout',
        '10s',
        '--latency',
        '-s',
        join(BENCH_DIR, 'wrk', script),
        URL_BASE,
      ],
      { env: { ...process.env, BENCH_KEY: KEY, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.once('exit', (code) => {
      writeFileSync(out, text);
      const line = text.split('\n').find((l) => l.startsWith('BENCH_RESULT'));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}): ${text.slice(-500)}`));
      resolve({
        result: Object.fromEntries(
          line
            .split(' ')
            .slice(1)
            .map((kv) => kv.split('=')),
        ),
        pid: child.pid,
      });
    });
  });
}

/**
 * A warm-up, then the measured run, with the peak RSS of each server process and the CPU split. wrk's own
 * CPU is read from its /proc entry just before it exits (its ticks are gone after), so it is sampled.
 */
async function measure(name, script, env, servers, dispatcher) {
  const out = join(RUN_DIR, name);
  if (WARMUP > 0)
    await wrk(script, 8, WARMUP, { ...env, BENCH_RUN_ID: `${RUN_ID}-${name}-warmup` }, `${out}.warmup`);
  const pgPids = await postgresPids(DB);
  const serverPids = [...servers.pids, servers.primary.pid];
  const watched = [...servers.pids, ...(dispatcher ? [dispatcher.pid] : [])];
  const rss = watchRss(watched);
  const before = {
    servers: serverPids.reduce((a, p) => a + processTicks(p), 0),
    dispatcher: dispatcher ? processTicks(dispatcher.pid) : 0,
    postgres: new Map(pgPids.map((p) => [p, processTicks(p)])),
    machine: machineTicks().busy,
    at: performance.now(),
  };
  let wrkTicks = 0;
  const wrkRun = wrk(script, 32, DURATION, { ...env, BENCH_RUN_ID: `${RUN_ID}-${name}` }, `${out}.wrk`);
  // wrk's CPU: sampled until it exits.
  const sampler = setInterval(() => {
    for (const d of readdirSync('/proc').filter((f) => /^\d+$/.test(f))) {
      try {
        if (
          readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'wrk' &&
          readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(URL_BASE)
        )
          wrkTicks = Math.max(wrkTicks, processTicks(d));
      } catch {}
    }
  }, 250);
  const { result } = await wrkRun;
  clearInterval(sampler);
  const seconds = (performance.now() - before.at) / 1000;
  const cores = (t) => Number((t / 100 / seconds).toFixed(2));
  const after = {
    servers: serverPids.reduce((a, p) => a + processTicks(p), 0),
    dispatcher: dispatcher ? processTicks(dispatcher.pid) : 0,
    // Per process: backends that started during the run count from 0; one that ended (a pool closing an
    // idle connection) is lost, a slight undercount.
    postgres: [...new Set([...before.postgres.keys(), ...(await postgresPids(DB))])].reduce((a, p) => {
      const now = processTicks(p);
      return a + (now ? now - (before.postgres.get(p) ?? 0) : 0);
    }, 0),
    machine: machineTicks().busy,
  };
  const peaks = rss.stop();
  // Whether delivery kept up: emails not delivered yet when wrk stopped (each create queues one).
  const [{ pending }] = await sql(
    DB,
    "SELECT count(*)::int AS pending FROM outbox WHERE status <> 'delivered'",
  );
  const cpu = {
    servers: cores(after.servers - before.servers),
    dispatcher: cores(after.dispatcher - before.dispatcher),
    postgres: cores(after.postgres),
    wrk: cores(wrkTicks),
  };
  cpu.other = Number(
    Math.max(
      0,
      cores(after.machine - before.machine) - cpu.servers - cpu.dispatcher - cpu.postgres - cpu.wrk,
    ).toFixed(2),
  );
  return {
    rps: Number(result.rps),
    p50_ms: Number(result.p50_ms),
    p99_ms: Number(result.p99_ms),
    requests: Number(result.requests),
    errors: ['non2xx', 'connect_err', 'read_err', 'write_err', 'timeout_err'].reduce(
      (a, k) => a + Number(result[k]),
      0,
    ),
    server_peak_rss_mb: peaks.slice(0, servers.pids.length).map((p) => p.peak_mb),
    dispatcher_peak_rss_mb: dispatcher ? peaks.at(-1).peak_mb : null,
    emails_pending_at_end: pending,
    cpu,
    out,
  };
}

async function createWorkload(name, user, servers, dispatcher) {
  const { org } = seed('org', user);
  const r = await measure(
    name,
    'create-invitation.lua',
    { BENCH_INVITER: user, BENCH_PATH: `/v1/organizations/${org}/invitations` },
    servers,
    dispatcher,
  );
  // Every 2xx answer a stored row; rows may exceed answers by what was in flight when wrk stopped.
  const check = seed('check-create', org, r.out, String((WARMUP > 0 ? 8 : 0) + 32));
  r.check_ok = check.unaccounted >= 0 && check.unaccounted <= check.max_in_flight;
  return r;
}

// ---- run ---------------------------------------------------------------------------------------------------

async function reference() {
  await sql('postgres', `DROP DATABASE IF EXISTS ${REF_DB} WITH (FORCE)`);
  await sql('postgres', `CREATE DATABASE ${REF_DB}`);
  execFileSync(
    'psql',
    [
      '-h',
      HOST,
      '-U',
      PGUSER,
      '-d',
      REF_DB,
      '-qX',
      '-v',
      'ON_ERROR_STOP=1',
      '-f',
      join(BENCH_DIR, 'sql', 'pg-reference-schema.sql'),
    ],
    { env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } },
  );
  const out = execFileSync(
    'pgbench',
    [
      '-h',
      HOST,
      '-U',
      PGUSER,
      '-n',
      '-M',
      'extended',
      '-c',
      '32',
      '-j',
      '2',
      '-T',
      String(DURATION),
      '-D',
      'org=1',
      '-f',
      join(BENCH_DIR, 'sql', 'pg-reference-insert.sql'),
      REF_DB,
    ],
    { env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } },
  ).toString();
  const tps = Number(out.match(/^tps = ([\d.]+)/m)[1]);
  await sql('postgres', `DROP DATABASE IF EXISTS ${REF_DB} WITH (FORCE)`);
  return tps;
}

async function main() {
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  const commit = execFileSync('git', ['-C', ROOT, 'log', '-1', '--format=%h', '--', 'packages', 'apps'])
    .toString()
    .trim();
  log(`reference: pgbench single-row INSERT, -c32 -j2 -T${DURATION}`);
  const refTps = await reference();
  log(`reference: ${refTps.toFixed(0)} tps`);

  await sql('postgres', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await sql('postgres', `CREATE DATABASE ${DB}`);
  const rows = [];
  let user;
  let listOrg;
  for (const n of COUNTS) {
    // (a) N processes, each with its own dispatcher.
    log(`${n} server process(es), dispatcher in each`);
    const servers = await startCluster(n, { INVITEKIT_BACKGROUND: 'true' });
    try {
      if (!user) {
        user = seed('admin').user;
        listOrg = seed('org', user).org;
        log(`seeding ${LIST_ROWS} invitations through the bulk API`);
        seed('invitations', listOrg, user, String(LIST_ROWS));
        await sql(DB, 'VACUUM (ANALYZE)'); // as bench/run.sh: the count does not wait on autovacuum
      }
      const create = await createWorkload(`create-${n}-inproc`, user, servers, null);
      rows.push({ processes: n, dispatcher: 'in each process', workload: 'create', ...create });
      log(`create: ${create.rps} req/s, p99 ${create.p99_ms} ms`);
      // As bench/run.sh, statistics are brought up to date between the workloads: the creates just added
      // tens of thousands of rows to another organization, and until autovacuum analyzes the table (within
      // its minute), the first page's generic plan is made from statistics that saw one organization only
      // (README, "Past one machine": 848 list req/s at N = 1 without this).
      await sql(DB, 'ANALYZE organization_invitations');
      const page = await api('GET', `/v1/organizations/${listOrg}/invitations?limit=10`);
      if (page.total_count !== LIST_ROWS || page.data.length !== 10) throw new Error('list org check failed');
      const list = await measure(
        `list-${n}`,
        'list-invitations.lua',
        { BENCH_PATH: `/v1/organizations/${listOrg}/invitations?limit=10` },
        servers,
        null,
      );
      list.check_ok = true;
      rows.push({ processes: n, dispatcher: 'in each process', workload: 'list', ...list });
      log(`list: ${list.rps} req/s, p99 ${list.p99_ms} ms`);
    } finally {
      await stop(servers.primary);
    }
    // (b) N processes serving only, one separate dispatcher.
    log(`${n} server process(es) serving only + 1 dispatcher process`);
    const dispatcher = await startDispatcher();
    const serving = await startCluster(n, { INVITEKIT_BACKGROUND: 'false' });
    try {
      const create = await createWorkload(`create-${n}-separate`, user, serving, dispatcher);
      rows.push({ processes: n, dispatcher: 'separate process', workload: 'create', ...create });
      log(`create: ${create.rps} req/s, p99 ${create.p99_ms} ms`);
    } finally {
      await stop(serving.primary);
      await stop(dispatcher);
    }
  }
  await sql('postgres', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);

  const summary = {
    date: new Date().toISOString(),
    code_commit: commit,
    reference_insert_tps: Number(refTps.toFixed(0)),
    load: `wrk -t2 -c32 -d${DURATION}s after a ${WARMUP}s warm-up (-c8); pgbench -c32 -j2 -T${DURATION}`,
    load_average_end: loadavg().map((l) => Number(l.toFixed(2))),
    rows: rows.map(({ out, ...r }) => ({ ...r, vs_reference: Number((r.rps / refTps).toFixed(3)) })),
  };
  writeFileSync(join(BENCH_DIR, 'results', 'scale-out-latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nInvitekit scale-out ${summary.date} (code ${commit}; ${summary.load})`);
  console.log(`PostgreSQL reference (pgbench INSERT): ${summary.reference_insert_tps} tps\n`);
  console.log(
    'N  dispatcher        workload  req/s  vs ref  p50 ms  p99 ms  RSS MB per server (dispatcher)  CPU srv/disp/pg/wrk/other',
  );
  for (const r of summary.rows) {
    const rss = `${r.server_peak_rss_mb.join(', ')}${r.dispatcher_peak_rss_mb ? ` (${r.dispatcher_peak_rss_mb})` : ''}`;
    const c = r.cpu;
    console.log(
      `${String(r.processes).padEnd(2)} ${r.dispatcher.padEnd(17)} ${r.workload.padEnd(8)} ${String(Math.round(r.rps)).padStart(6)}  ${r.vs_reference.toFixed(2).padStart(6)}  ${r.p50_ms.toFixed(2).padStart(6)}  ${r.p99_ms.toFixed(2).padStart(6)}  ${rss.padEnd(30)}  ${c.servers}/${c.dispatcher}/${c.postgres}/${c.wrk}/${c.other}`,
    );
  }
  console.log(`load average at the end: ${summary.load_average_end.join(' ')} (2 cores)`);
  const failed = summary.rows.filter((r) => r.errors > 0 || !r.check_ok);
  for (const r of failed)
    console.error(
      `FAIL ${r.processes} ${r.dispatcher} ${r.workload}: errors ${r.errors}, check ${r.check_ok}`,
    );
  console.log(`raw files: ${RUN_DIR}`);
  process.exit(failed.length ? 1 : 0);
}

await main();
