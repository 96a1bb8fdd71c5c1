// The list reads at 1,000,000 invitations under load (bench/README.md, "At scale: 1,000,000 invitations").
// Run bench/scale-seed.mjs first, and build (apps/server/dist).
//
//   node bench/scale-load.mjs     (from the repository root)
//
// 1. Starts the built standalone server (apps/server/dist/main.js, with its node flags on PostgreSQL (see
//    bench/lib/rss.mjs) and the abuse limits off, as bench/run.sh does) on the seeded database, with a key of its
//    own (INVITEKIT_SECRET_KEY). Its background work runs: the expiry sweeper first writes `expired` on the
//    seed's pending rows past expiry (50,000), as it would on a live instance; the bench waits until none is
//    left, then VACUUM ANALYZE, so the reads are measured on a table the sweeper keeps up with.
// 2. Checks every read once: HTTP 200, and total_count equal to a count(*) over the rows in SQL (the reads'
//    own rule: pending past expiry is expired). Any difference fails the run before any load.
// 3. Reference, in the same run: pgbench, a single-row primary-key SELECT on the same database (32 clients,
//    2 threads, prepared), and the unfiltered first page (the counts table's read).
// 4. Each read alone under wrk (2 threads, 32 connections, BENCH_DURATION s after BENCH_WARMUP s): req/s,
//    p50, p99, non-2xx (must be 0). Writes bench/results/scale-load-latest.json and exits 1 on any non-2xx,
//    any wrong total_count, or (BENCH_STRICT=1) any p99 at or over 15 ms.
//
//    Each read's CPU, from /proc, in ms per request: the server process, the database's backends (those of
//    BENCH_SCALE_DB when wrk ends), and wrk: steadier than req/s on a shared machine.
//
// Environment: BENCH_PG_URL (admin connection; default TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres), BENCH_SCALE_DB (default invitekit_scale), BENCH_DURATION
// (s, default 10), BENCH_WARMUP (s, default 2), BENCH_PORT (default: random), BENCH_STRICT, BENCH_READS
// (comma-separated parts of read names: only those reads are checked and loaded, the first page always).

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postgresTicks, processStat, TICKS_PER_SECOND } from './lib/proc.mjs';
import { serverNodeFlags } from './lib/rss.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SERVER_DIR = join(BENCH_DIR, '..', 'apps', 'server');
const adminUrl =
  process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = process.env.BENCH_SCALE_DB ?? 'invitekit_scale';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = 32;
const THREADS = 2;
const P99_TARGET_MS = 15;
const HOST = '127.0.0.1'; // load only ever goes to this machine
const PORT = Number(process.env.BENCH_PORT ?? 20000 + Math.floor(Math.random() * 20000));
const KEY = `sk_test_scale_${randomBytes(12).toString('hex')}`;
const BIG = 'org_0';
const USER = 'user_4242'; // invited to 91 organizations (bench/scale-seed.mjs)
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${DB}`;

const die = (message) => {
  console.error(`scale-load: ${message}`);
  process.exit(1);
};
if (!existsSync(join(SERVER_DIR, 'dist', 'main.js'))) die('apps/server/dist/main.js missing: build first');

const db = new pg.Client({ connectionString: dbUrl.toString() });
await db.connect();
const one = async (text, params = []) => (await db.query(text, params)).rows[0];
if (
  (await one(`SELECT count(*)::int AS n FROM organization_invitations WHERE organization_id = $1`, [BIG]))
    .n === 0
)
  die(`${DB} is empty: run bench/scale-seed.mjs first`);

// ---- the reads, each with the SQL count its total_count must equal -------------------------------------
// The reads' rule for a status: pending past expires_at is expired (domain/status.ts, listing.ts).
const effective = (now) =>
  `(CASE WHEN status = 'pending' AND expires_at <= ${now} THEN 'expired' ELSE status END)`;
const listed = `organization_domain_id IS NULL`;
const allReads = [
  {
    name: 'org_0 first page',
    path: `/v1/organizations/${BIG}/invitations?limit=10`,
    count: () => [
      `SELECT count(*) FROM organization_invitations WHERE organization_id = $1 AND ${listed}`,
      [BIG],
    ],
  },
  ...['pending', 'accepted', 'revoked', 'expired'].map((status) => ({
    name: `org_0 status=${status}`,
    path: `/v1/organizations/${BIG}/invitations?limit=10&status=${status}`,
    count: (now) => [
      `SELECT count(*) FROM organization_invitations WHERE organization_id = $1 AND ${listed} AND ${effective(now)} = $2`,
      [BIG, status],
    ],
  })),
  {
    name: 'org_0 email_address (exact)',
    path: `/v1/organizations/${BIG}/invitations?limit=10&email_address=user4242-mail%40example.com`,
    count: () => [
      `SELECT count(*) FROM organization_invitations WHERE organization_id = $1 AND ${listed} AND email_address = $2`,
      [BIG, 'user4242-mail@example.com'],
    ],
  },
  {
    name: 'instance query=user4242-',
    path: `/v1/organization_invitations?limit=10&query=user4242-`,
    count: () => [
      `SELECT count(*) FROM organization_invitations WHERE ${listed} AND strpos(email_address, $1) > 0`,
      ['user4242-'],
    ],
  },
  {
    name: 'instance query=nobody- (no match)',
    path: `/v1/organization_invitations?limit=10&query=nobody-`,
    count: () => [
      `SELECT count(*) FROM organization_invitations WHERE strpos(email_address, $1) > 0`,
      ['nobody-'],
    ],
  },
  {
    name: `${USER} status=pending (91 orgs)`,
    path: `/v1/users/${USER}/organization_invitations?limit=10&status=pending`,
    count: (now) => [
      `SELECT count(*) FROM organization_invitations WHERE ${effective(now)} = 'pending' AND email_address IN
         (SELECT email_address FROM email_addresses WHERE user_id = $1 AND verified)`,
      [USER],
    ],
  },
];

const only = process.env.BENCH_READS?.split(',').filter(Boolean);
const reads = allReads.filter((r, i) => i === 0 || !only || only.some((part) => r.name.includes(part)));

// ---- CPU per request (Linux /proc) ---------------------------------------------------------------------
/** CPU ticks of a process, or of its waited-for children (`children`: wrk, run by spawnSync). */
const ticks = (pid, children = false) => {
  const p = processStat(pid);
  return p ? (children ? p.childTicks : p.ticks) : 0;
};

// ---- the server --------------------------------------------------------------------------------------------
const nodeFlags = serverNodeFlags();
const base = `http://${HOST}:${PORT}`;
try {
  await fetch(`${base}/`);
  die(`port ${PORT} is already in use; set BENCH_PORT`);
} catch {}
const server = spawn(process.execPath, [...nodeFlags, 'dist/main.js'], {
  cwd: SERVER_DIR,
  env: {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    PORT: String(PORT),
    HOST,
    INVITEKIT_SECRET_KEY: KEY,
    LOG_LEVEL: 'warn',
    INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION: '0',
    INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR: '0',
    INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE: '0',
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let serverErr = '';
server.stderr.on('data', (d) => {
  serverErr = (serverErr + d).slice(-4000);
});
let exited = false;
server.on('exit', () => {
  exited = true;
});
const stop = async () => {
  if (exited) return;
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
};
process.on('SIGINT', () => stop().then(() => process.exit(130)));

const get = async (path) => {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${KEY}` } });
  return { status: res.status, body: await res.json().catch(() => null) };
};

const results = { reads: [] };
let failed = false;
try {
  let health = null;
  for (let i = 0; i < 300 && !health; i++) {
    if (exited) die(`server exited:\n${serverErr}`);
    health = await fetch(`${base}/healthz`)
      .then((r) => (r.ok ? r.text() : null))
      .catch(() => null);
    if (!health) await new Promise((r) => setTimeout(r, 200));
  }
  if (!health?.includes('postgres')) die(`server not ready or not on PostgreSQL: ${health}`);

  // The sweeper catches up with the seed's pending rows past expiry (with its own clock: Date.now()).
  const sweepStart = performance.now();
  for (;;) {
    const { n } = await one(
      `SELECT count(*)::int AS n FROM organization_invitations WHERE status = 'pending' AND expires_at <= $1`,
      [Date.now()],
    );
    if (n === 0) break;
    if (performance.now() - sweepStart > 300_000)
      die(`the sweeper left ${n} pending rows past expiry after 300 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  results.sweep_seconds = Number(((performance.now() - sweepStart) / 1000).toFixed(1));
  await db.query('VACUUM ANALYZE organization_invitations');
  await db.query('VACUUM ANALYZE organization_invitation_counts');

  // Every read once: 200 and the exact total_count.
  for (const read of reads) {
    const now = Date.now();
    const res = await get(read.path);
    const [text, params] = read.count(now);
    const { n } = await one(text.replace(/^SELECT count\(\*\)/, 'SELECT count(*)::int AS n'), params);
    const ok = res.status === 200 && res.body?.total_count === n;
    console.log(
      `check ${ok ? 'ok  ' : 'FAIL'} ${read.name}: HTTP ${res.status}, total_count ${res.body?.total_count}, count(*) ${n}`,
    );
    if (!ok) failed = true;
    read.expected = n;
  }
  if (failed) die('a total_count differs from count(*): no load run');

  // Reference: pgbench, a primary-key SELECT of one row on the same database.
  const script = join(BENCH_DIR, 'sql', 'pg-reference-pk-select.sql');
  const pgb = spawnSync(
    'pgbench',
    ['-n', '-M', 'prepared', '-c', String(CONNECTIONS), '-j', String(THREADS), '-T', String(DURATION)].concat(
      ['-f', script, dbUrl.toString()],
    ),
    { encoding: 'utf8' },
  );
  const tps = Number(/tps = ([\d.]+)/.exec(pgb.stdout)?.[1]);
  const pgLat = Number(/latency average = ([\d.]+) ms/.exec(pgb.stdout)?.[1]);
  if (!tps) die(`pgbench failed: ${pgb.stderr || pgb.stdout}`);
  results.reference = { pgbench_pk_select_tps: tps, pgbench_latency_avg_ms: pgLat };
  console.log(
    `reference: pgbench primary-key SELECT, ${CONNECTIONS} clients: ${tps.toFixed(0)} tps, avg ${pgLat} ms`,
  );

  for (const read of reads) {
    const before = { server: ticks(server.pid), wrk: ticks(process.pid, true), pg: postgresTicks() };
    const out = spawnSync(
      'wrk',
      [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${WARMUP + DURATION}s`, '--timeout', '10s', '--latency'].concat(
        ['-s', join(BENCH_DIR, 'wrk', 'list-invitations.lua'), base],
      ),
      { encoding: 'utf8', env: { ...process.env, BENCH_PATH: read.path, BENCH_KEY: KEY } },
    );
    const line = out.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT'));
    if (!line) die(`wrk failed for ${read.name}: ${out.stderr}`);
    const f = Object.fromEntries(
      line
        .split(' ')
        .slice(1)
        .map((kv) => kv.split('='))
        .map(([k, v]) => [k, Number(v)]),
    );
    const errors = f.non2xx + f.connect_err + f.read_err + f.write_err + f.timeout_err;
    // The server's connections to the database (this script's own excluded); a backend that ended during
    // the run is missed, one that started counts from 0.
    const { rows: backends } = await db.query(
      `SELECT pid::text FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [DB],
    );
    const requests = f.requests;
    const msPerRequest = (t) => Number(((t * 1000) / TICKS_PER_SECOND / requests).toFixed(3));
    const cpu = {
      server_ms: msPerRequest(ticks(server.pid) - before.server),
      postgres_ms: msPerRequest(
        backends.reduce((a, { pid }) => a + ticks(pid) - (before.pg.get(pid) ?? 0), 0),
      ),
      wrk_ms: msPerRequest(ticks(process.pid, true) - before.wrk),
    };
    const row = {
      read: read.name,
      path: read.path,
      total_count: read.expected,
      rps: Math.round(f.rps),
      p50_ms: f.p50_ms,
      p99_ms: f.p99_ms,
      non2xx: f.non2xx,
      errors,
      ratio_to_pgbench: Number((f.rps / tps).toFixed(3)),
      cpu_ms_per_request: cpu,
    };
    results.reads.push(row);
    if (errors > 0) failed = true;
    console.log(
      `${read.name.padEnd(36)} ${String(row.rps).padStart(6)} req/s  p50 ${f.p50_ms.toFixed(2).padStart(6)} ms  ` +
        `p99 ${f.p99_ms.toFixed(2).padStart(7)} ms  non-2xx ${f.non2xx}  errors ${errors}  load ${loadavg()[0].toFixed(1)}  ` +
        `CPU ms/request: server ${cpu.server_ms}, postgres ${cpu.postgres_ms}, wrk ${cpu.wrk_ms}`,
    );
  }
} finally {
  await stop();
  await db.end();
}

const firstPage = results.reads[0]?.rps;
for (const r of results.reads) {
  r.ratio_to_first_page = Number((r.rps / firstPage).toFixed(3));
  r.p99_target_met = r.p99_ms < P99_TARGET_MS;
}
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const dirty = spawnSync('git', ['status', '--porcelain', '--', 'packages', 'apps'], {
  encoding: 'utf8',
}).stdout.trim();
Object.assign(results, {
  at: new Date().toISOString(),
  commit: dirty ? `${commit}+changes` : commit,
  database: DB,
  duration_s: DURATION,
  connections: CONNECTIONS,
  cpus: cpus().length,
  loadavg_1m_end: loadavg()[0],
});
console.log('\nread                                  req/s   p99 ms  ×pgbench  ×first page  p99<15');
for (const r of results.reads) {
  console.log(
    `${r.read.padEnd(36)} ${String(r.rps).padStart(6)} ${r.p99_ms.toFixed(2).padStart(8)} ${r.ratio_to_pgbench
      .toFixed(3)
      .padStart(9)} ${r.ratio_to_first_page.toFixed(3).padStart(12)}  ${r.p99_target_met ? 'yes' : 'NO'}`,
  );
}
mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
writeFileSync(join(BENCH_DIR, 'results', 'scale-load-latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nSCALE_LOAD ${JSON.stringify(results)}`);
if (failed) die('non-2xx answers or errors under load');
if (process.env.BENCH_STRICT === '1' && results.reads.some((r) => !r.p99_target_met))
  die('a p99 is at or over 15 ms');
