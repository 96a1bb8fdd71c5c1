// The reminder sweep's query plan at 1,000,000 invitations (packages/core/src/delivery/reminders.ts).
//
//   node bench/reminders-plan.mjs
//
// 1. drops and creates the scratch database `invitekit_reminders_plan` and applies core's migrations
//    (packages/core/migrations, in journal order), so the table and its indexes are the real ones;
// 2. seeds 1,000 organizations (every 50th with reminders turned off) and 1,000,000 organization
//    invitations with generate_series: 70% pending, 10% each accepted, revoked and expired; created over
//    the last 30 days, one per minute slot; `notify` false on every 7th (no reminder to come); the others
//    due 3 days after creation, then 1 day before expiry, then none. Accepted and revoked
//    rows keep their `next_reminder_at` (accept and revoke leave it), so the partial index has to
//    exclude them by status. A few hundred reminders are due at `now` (the steps of the last 10 minutes,
//    what one sweep finds after a 10-minute pause), more than one batch;
// 3. ANALYZEs, then runs one sweep batch inside a transaction that is rolled back, printing
//    EXPLAIN (ANALYZE, BUFFERS) of its claim (the statement that scans for due reminders, copied from
//    packages/core/src/storage/reminders-statements.ts) and of its update of the claimed rows.
//
// Environment: BENCH_PG_URL (admin connection; default TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres), BENCH_REMINDERS_N (default 1,000,000),
// BENCH_REMINDERS_BATCH (the claim's LIMIT, default 200: core's default batchSize).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const adminUrl =
  process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_REMINDERS_N ?? 1_000_000);
const BATCH = Number(process.env.BENCH_REMINDERS_BATCH ?? 200);
const DB = 'invitekit_reminders_plan';
const migrations = fileURLToPath(new URL('../packages/core/migrations/', import.meta.url));
const DAY = 86_400_000;
const now = Date.now();

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${DB}`);
await admin.end();

const url = new URL(adminUrl);
url.pathname = `/${DB}`;
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
const t0 = Date.now();
const step = (what) => console.log(`-- ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

const journal = JSON.parse(readFileSync(`${migrations}meta/_journal.json`, 'utf8'));
for (const { tag } of journal.entries) {
  for (const statement of readFileSync(`${migrations}${tag}.sql`, 'utf8').split('--> statement-breakpoint')) {
    if (statement.trim()) await db.query(statement);
  }
}
step(`migrations applied: ${journal.entries.map((e) => e.tag).join(', ')}`);

// Seeding: the table's secondary indexes are built after the rows (much faster than row by row), and
// triggers (per-organization counts) are off for the session; neither changes the plan being measured.
const { rows: indexes } = await db.query(
  `SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = 'organization_invitations'
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
);
for (const { indexname } of indexes) await db.query(`DROP INDEX ${indexname}`);
await db.query(`SET session_replication_role = replica`);
await db.query(
  `INSERT INTO organizations (id, name, slug, created_at, updated_at)
   SELECT 'org_' || g, 'Org ' || g, 'org-' || g, $1::bigint, $1::bigint FROM generate_series(0, 999) g`,
  [now - 60 * DAY],
);
await db.query(
  `INSERT INTO organization_reminder_settings (organization_id, enabled, updated_at)
   SELECT 'org_' || g, false, $1::bigint FROM generate_series(0, 999, 50) g`,
  [now],
);
await db.query(
  `
INSERT INTO organization_invitations (organization_id, id, email_address, role, status, notify, token_hash,
  expires_at, created_at, updated_at, next_reminder_at, reminders_sent)
SELECT 'org_' || (g % 1000), 'orginv_' || g, 'user' || g || '@example.com', 'org:member',
  CASE WHEN g % 10 < 7 THEN 'pending' WHEN g % 10 = 7 THEN 'accepted' WHEN g % 10 = 8 THEN 'revoked'
    ELSE 'expired' END,
  g % 7 <> 0, CASE WHEN g % 10 < 7 THEN sha256(g::text::bytea) END,
  c + 30 * $2::bigint, c, c,
  -- A step more than 10 minutes past was sent; the next one is what remains.
  CASE WHEN g % 7 = 0 THEN NULL
    WHEN c + 3 * $2::bigint > $1::bigint - 600000 THEN c + 3 * $2::bigint
    WHEN c + 29 * $2::bigint > $1::bigint - 600000 THEN c + 29 * $2::bigint END,
  CASE WHEN g % 7 = 0 OR c + 3 * $2::bigint > $1::bigint - 600000 THEN 0
    WHEN c + 29 * $2::bigint > $1::bigint - 600000 THEN 1 ELSE 2 END
FROM generate_series(1, $3::int) g, LATERAL (SELECT $1::bigint - (g % 43200)::bigint * 60000 AS c) t`,
  [now, DAY, N],
);
await db.query(`SET session_replication_role = DEFAULT`);
step(`${N.toLocaleString('en-US')} invitations seeded`);
for (const { indexdef } of indexes) await db.query(indexdef);
await db.query('VACUUM ANALYZE organization_invitations');
await db.query('ANALYZE organization_reminder_settings');
step(`${indexes.length} indexes built, vacuumed and analyzed`);

const { rows: shape } = await db.query(
  `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
     count(*) FILTER (WHERE status = 'pending' AND next_reminder_at IS NOT NULL)::int AS with_reminder,
     count(*) FILTER (WHERE status = 'pending' AND next_reminder_at <= $1)::int AS due,
     count(*) FILTER (WHERE status <> 'pending' AND next_reminder_at <= $1)::int AS not_pending_past_time
   FROM organization_invitations`,
  [now],
);
const { rows: size } = await db.query(
  `SELECT pg_size_pretty(pg_relation_size('organization_invitations_next_reminder_idx')) AS partial_index,
     pg_size_pretty(pg_relation_size('organization_invitations')) AS heap`,
);
console.log(`-- rows: ${JSON.stringify(shape[0])}; sizes: ${JSON.stringify(size[0])}`);

// The claim, as packages/core/src/storage/reminders-statements.ts (claimDueReminders, 'organization').
const claim = `
WITH due AS (
  SELECT organization_id, id FROM organization_invitations
  WHERE status = 'pending' AND next_reminder_at IS NOT NULL AND next_reminder_at <= $1
  ORDER BY next_reminder_at LIMIT $2
  FOR UPDATE SKIP LOCKED
)
SELECT i.id, i.organization_id, i.email_address, i.redirect_url, i.notify, i.expires_at, i.created_at,
  i.reminders_sent, i.next_reminder_at,
  COALESCE((SELECT s.enabled FROM organization_reminder_settings s WHERE s.organization_id = i.organization_id), true)
    AS organization_enabled
FROM due JOIN organization_invitations i ON i.organization_id = due.organization_id AND i.id = due.id`;
// Its update (applyReminderUpdates): every claimed row moves on, as the sweeper writes it.
const update = `
UPDATE organization_invitations i SET
  token_hash = COALESCE(decode(u.token_hash, 'hex'), i.token_hash),
  next_reminder_at = u.next_reminder_at,
  reminders_sent = i.reminders_sent + u.sent
FROM jsonb_to_recordset($1::jsonb)
  AS u(id text, organization_id text, token_hash text, next_reminder_at bigint, sent integer)
WHERE i.organization_id = u.organization_id AND i.id = u.id`;

const explain = async (label, text, params) => {
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
  console.log(`\n== ${label}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
};

await db.query('BEGIN');
// With bind parameters, as the sweeper sends it (an unnamed statement: planned for its values).
await explain(`claim (now, LIMIT ${BATCH})`, claim, [now, BATCH]);
const { rows: claimed } = await db.query(claim, [now, BATCH]);
const updates = claimed.map((r) => ({
  id: r.id,
  organization_id: r.organization_id,
  token_hash: '00'.repeat(32),
  next_reminder_at: Number(r.created_at) + 29 * DAY,
  sent: 1,
}));
await explain(`update of the ${updates.length} claimed rows`, update, [JSON.stringify(updates)]);
await db.query('ROLLBACK');
await db.end();
