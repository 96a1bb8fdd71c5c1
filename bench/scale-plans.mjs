// The plans of the list reads at 1,000,000 invitations, as the server runs them (bench/README.md,
// "At scale: 1,000,000 invitations"). Run bench/scale-seed.mjs first.
//
//   node --conditions=invitekit-source --import tsx bench/scale-plans.mjs     (from the repository root)
//
// 1. Turns auto_explain on for the scratch database `invitekit_scale` only (ALTER DATABASE … SET
//    session_preload_libraries, log_min_duration 0, log_analyze, log_buffers), so every statement its new
//    connections run is logged with its EXPLAIN (ANALYZE, BUFFERS) plan: the real SQL, with the real
//    parameters, the real driver path (prepared statements planned generically included).
// 2. Starts createInvitekit on it (no background workers) and calls each route through `invitekit.handle`,
//    twice: the first call warms the cache, the second is the one reported. The plans of that call are read
//    from the PostgreSQL log file (entries of this database only; other databases share the file).
// 3. Prints, per read: HTTP status, total_count, the call's wall time, then each statement's duration, text
//    and plan. Resets the database's settings at the end.
//
// Environment: BENCH_PG_URL (admin connection; default TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres), BENCH_SCALE_DB (default invitekit_scale), BENCH_PG_LOG (the server's log file; default
// /var/log/postgresql/postgresql-<major>-main.log, Debian's; it must be readable by this process).

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';

const { createInvitekit } = await import('@invitekit/core');

const adminUrl =
  process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = process.env.BENCH_SCALE_DB ?? 'invitekit_scale';
const KEY = 'sk_scale_plans';
const BIG = 'org_0';
const USER = 'user_4242'; // invited to 91 organizations (bench/scale-seed.mjs)
const url = new URL(adminUrl);
url.pathname = `/${DB}`;

const admin = new pg.Client({ connectionString: url.toString() });
await admin.connect();
const { rows: seeded } = await admin.query(
  `SELECT count(*)::int AS n FROM organization_invitations WHERE organization_id = $1`,
  [BIG],
);
if (seeded[0].n === 0) throw new Error('invitekit_scale is empty: run bench/scale-seed.mjs first');
const { rows: version } = await admin.query(
  `SELECT current_setting('server_version_num')::int / 10000 AS major`,
);
const logFile = process.env.BENCH_PG_LOG ?? `/var/log/postgresql/postgresql-${version[0].major}-main.log`;
statSync(logFile); // fails early when the log is elsewhere: set BENCH_PG_LOG

for (const setting of [
  `session_preload_libraries = 'auto_explain'`,
  `auto_explain.log_min_duration = 0`,
  `auto_explain.log_analyze = on`,
  `auto_explain.log_buffers = on`,
  `auto_explain.log_timing = on`,
  `auto_explain.log_format = text`,
]) {
  await admin.query(`ALTER DATABASE ${DB} SET ${setting}`);
}

/** The auto_explain entries of this database appended to the log since byte `from`. */
function plansSince(from) {
  const size = statSync(logFile).size;
  const buf = Buffer.alloc(size - from);
  const fd = openSync(logFile, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  const entries = [];
  for (const line of buf.toString('utf8').split('\n')) {
    if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(line)) entries.push([line]);
    else entries.at(-1)?.push(line);
  }
  return entries
    .filter(([head]) => head.includes(`@${DB} LOG:  duration:`) && head.includes('plan:'))
    .map(([head, ...rest]) => ({
      ms: Number(/duration: ([\d.]+) ms/.exec(head)[1]),
      text: rest.map((l) => l.replace(/^\t/, '')).join('\n'),
    }));
}

const ik = await createInvitekit({ database: { url: url.toString() }, secretKeys: [KEY] });
const reads = [
  ['org_0 first page (limit 10) with total_count', `/v1/organizations/${BIG}/invitations`, {}],
  ['org_0 status=pending', `/v1/organizations/${BIG}/invitations`, { status: 'pending' }],
  ['org_0 status=accepted', `/v1/organizations/${BIG}/invitations`, { status: 'accepted' }],
  ['org_0 status=revoked', `/v1/organizations/${BIG}/invitations`, { status: 'revoked' }],
  ['org_0 status=expired', `/v1/organizations/${BIG}/invitations`, { status: 'expired' }],
  [
    'org_0 email_address=user4242-mail@example.com',
    `/v1/organizations/${BIG}/invitations`,
    { email_address: 'user4242-mail@example.com' },
  ],
  ['instance-wide query=user4242-', '/v1/organization_invitations', { query: 'user4242-' }],
  // The same search matching nothing: the page's walk in created_at order never stops early.
  ['instance-wide query=nobody- (no match)', '/v1/organization_invitations', { query: 'nobody-' }],
  [
    `${USER} status=pending (invited to 91 organizations)`,
    `/v1/users/${USER}/organization_invitations`,
    { status: 'pending' },
  ],
];
const summary = [];
try {
  for (const [label, path, query] of reads) {
    const request = { method: 'GET', path, query, headers: { authorization: `Bearer ${KEY}` } };
    const w0 = performance.now();
    await ik.handle(request); // cold: warms the cache
    const cold = performance.now() - w0;
    const from = statSync(logFile).size;
    const t0 = performance.now();
    const res = await ik.handle(request);
    const wall = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 300)); // the logger writes asynchronously
    const plans = plansSince(from);
    console.log(`\n${'='.repeat(100)}\n== ${label}\n== GET ${path}?${new URLSearchParams(query)}`);
    console.log(
      `== status ${res.status}, total_count ${res.body?.total_count}, rows ${res.body?.data?.length}, ` +
        `wall ${wall.toFixed(1)} ms (cold call ${cold.toFixed(1)} ms)`,
    );
    for (const p of plans) console.log(`\n-- statement: ${p.ms} ms\n${p.text}`);
    summary.push({
      read: label,
      status: res.status,
      total_count: res.body?.total_count,
      wall_ms: Math.round(wall),
      cold_ms: Math.round(cold),
      statements_ms: plans.map((p) => p.ms),
    });
  }
} finally {
  await ik.close();
  await admin.query(`ALTER DATABASE ${DB} RESET ALL`);
  await admin.end();
}
console.log(`\nSCALE_PLANS ${JSON.stringify({ loadavg_1m: loadavg()[0], reads: summary })}`);
