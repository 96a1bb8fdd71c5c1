// Import benchmark (Invitekit extension): how long a 10,000-row CSV import takes to finish its rows on
// PostgreSQL, with the import worker and the dispatcher started as a server runs them.
//
//   node --conditions=invitekit-source --import tsx bench/import.mjs      (from source; or build first
//   and run `node bench/import.mjs`)
//
// On a fresh database: seeds an organization and its admin, then POSTs a 10,000-row CSV (a new address
// per row, role column, `inviter_user_id`, notify on) through core's `handle`, and polls the import until
// it is `completed`. Reports the upload's time (parse, check and store every row: the 202), the time from
// the 202 to the last row done, rows/s, and checks exactly once: 10,000 invitations, 10,000 email outbox
// rows, every row `created`. The abuse limits are off (a 10,000-row import is over their defaults).
//
// Environment: BENCH_PG_URL (admin connection, default postgres://$PGUSER@127.0.0.1:5432/postgres, PGUSER
// defaulting to root as in run.sh), BENCH_IMPORT_ROWS (default 10,000), BENCH_IMPORT_BATCH (the worker's
// batch size, default core's 500). Prints one `BENCH_IMPORT {json}` line.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

const { createInvitekit } = await import('@invitekit/core');

const adminUrl =
  process.env.BENCH_PG_URL ?? `postgres://${process.env.PGUSER ?? 'root'}@127.0.0.1:5432/postgres`;
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const BATCH = process.env.BENCH_IMPORT_BATCH ? Number(process.env.BENCH_IMPORT_BATCH) : undefined;
const KEY = 'sk_bench_import';

const name = `invitekit_bench_import_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;

const ik = await createInvitekit({
  database: { url: url.toString() },
  secretKeys: [KEY],
  limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
  ...(BATCH ? { imports: { batchSize: BATCH } } : {}),
});
try {
  const owner = await ik.services.users.create({ emailAddresses: ['owner@bench.test'] });
  const org = await ik.services.organizations.create({ name: 'Bench', createdBy: owner.id });
  ik.start();
  const run = randomBytes(3).toString('hex');
  const csv = `email,role\n${Array.from({ length: ROWS }, (_, i) => `u${i}-${run}@bench.test,org:member`).join('\n')}\n`;

  const t0 = performance.now();
  const res = await ik.handle({
    method: 'POST',
    path: `/v1/organizations/${org.id}/invitations/import`,
    query: { inviter_user_id: owner.id },
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const t1 = performance.now();
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
  const { id } = res.body;
  let job;
  for (;;) {
    job = await ik.services.invitationImports.get(org.id, id);
    if (job.status === 'completed') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const t2 = performance.now();
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  const [
    {
      rows: [inv],
    },
    {
      rows: [out],
    },
  ] = await Promise.all([
    db.query(
      'SELECT count(*)::int AS n, count(DISTINCT email_address)::int AS emails FROM organization_invitations',
    ),
    db.query(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'email'`),
  ]);
  await db.end();
  const result = {
    rows: ROWS,
    batch_size: BATCH ?? 500,
    upload_ms: Math.round(t1 - t0),
    rows_done_ms: Math.round(t2 - t1),
    total_ms: Math.round(t2 - t0),
    rows_per_s: Math.round(ROWS / ((t2 - t1) / 1000)),
    created: job.counts.created,
    invitations: inv.n,
    distinct_emails: inv.emails,
    email_outbox_rows: out.n,
    exactly_once: job.counts.created === ROWS && inv.n === ROWS && inv.emails === ROWS && out.n === ROWS,
    loadavg_1m: (await import('node:os')).loadavg()[0],
  };
  console.log(`BENCH_IMPORT ${JSON.stringify(result)}`);
  if (!result.exactly_once) process.exitCode = 1;
} finally {
  await ik.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
