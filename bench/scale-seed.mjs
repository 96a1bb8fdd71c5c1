// Seeds a scratch database at scale for the list reads (bench/README.md,
// "At scale: 1,000,000 invitations").
//
//   node --conditions=invitekit-source --import tsx bench/scale-seed.mjs     (from the repository root)
//
// 1. Drops and recreates `invitekit_scale` (or BENCH_SCALE_DB) and applies core's migrations by starting
//    createInvitekit on it (so the tables, indexes and triggers are exactly what a server runs on), then
//    closes it.
// 2. Seeds with INSERT … SELECT generate_series (no API):
//    - 10,000 organizations `org_0` … `org_9999`;
//    - 100,000 users `user_<n>`, each with one verified address `user<n>-mail@example.com` (the `-` makes the
//      substring `user4242-` name one person, not user42420 too);
//    - 1,000,000 organization invitations: 100,000 in `org_0` (to user0 … user99999), 900,000 over the other
//      9,999 organizations (90 each, to user0 … user9999: each of those is invited to 90 organizations
//      plus org_0, so 91 in all; 9,999 and 10,000 are coprime, so no (organization, address) pair repeats).
//      Statuses by a mixed bucket (so one person's invitations do not all share one status): 70% pending,
//      15% accepted, 10% revoked, 5% expired by date (stored `pending`, `expires_at` in the past, as before
//      the sweeper passes). Created over the last 90 days in a scrambled order (every organization has old
//      and new rows) and written to the heap in creation order, as a live table grows (org_0's rows are
//      spread over all its pages, not packed at its start); inviter = the organization's admin; pending
//      rows carry a token hash;
//    - memberships: each organization's admin (user_<n> of org_<n>, role org:admin) and one member per
//      accepted invitation (role org:member), about 160,000.
// 3. While seeding, the invitations table's secondary indexes are dropped and rebuilt afterwards, and
//    triggers are off for the session (foreign-key checks and the counter): organization_invitation_counts
//    is then filled from the rows (total and per stored status) as migrations 0003 and 0017 do, and checked
//    exact against count(*).
// 4. VACUUM ANALYZE.
//
// Environment: BENCH_PG_URL (admin connection; default TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres), BENCH_SCALE_DB (default invitekit_scale).

import pg from 'pg';

const { createInvitekit } = await import('@invitekit/core');

const adminUrl =
  process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = process.env.BENCH_SCALE_DB ?? 'invitekit_scale';
const ORGS = 10_000;
const USERS = 100_000;
const BIG = 100_000; // invitations in org_0
const OTHERS = 900_000; // invitations over org_1 … org_9999
const DAY = 86_400_000;
const now = Date.now();

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${DB}`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${DB}`;

const t0 = Date.now();
const timings = {};
let last = t0;
const step = (what) => {
  const at = Date.now();
  timings[what] = (at - last) / 1000;
  last = at;
  console.log(`-- ${what}: ${timings[what].toFixed(1)} s`);
};

// Migrations exactly as a server applies them.
const ik = await createInvitekit({ database: { url: url.toString() }, secretKeys: ['sk_scale_seed'] });
await ik.close();
step('migrations (createInvitekit)');

const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
await db.query(`SET maintenance_work_mem = '256MB'`);
const { rows: indexes } = await db.query(
  `SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = 'organization_invitations'
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
);
for (const { indexname } of indexes) await db.query(`DROP INDEX ${indexname}`);
// Triggers off for this session: row-level foreign-key checks (the ids below are consistent by
// construction) and the statement-level counter, which is filled below from the rows instead.
await db.query(`SET session_replication_role = replica`);

await db.query(
  `INSERT INTO users (id, primary_email_address_id, first_name, last_name, created_at, updated_at)
   SELECT 'user_' || n, 'idn_' || n, 'First' || n, 'Last' || n, $1::bigint + n, $1::bigint + n
   FROM generate_series(0, $2::int - 1) n`,
  [now - 120 * DAY, USERS],
);
await db.query(
  `INSERT INTO email_addresses (id, user_id, email_address, verified, created_at, updated_at)
   SELECT 'idn_' || n, 'user_' || n, 'user' || n || '-mail@example.com', true, $1::bigint + n, $1::bigint + n
   FROM generate_series(0, $2::int - 1) n`,
  [now - 120 * DAY, USERS],
);
await db.query(
  `INSERT INTO organizations (id, name, slug, created_by, created_at, updated_at)
   SELECT 'org_' || n, 'Org ' || n, 'org-' || n, 'user_' || n, $1::bigint + n, $1::bigint + n
   FROM generate_series(0, $2::int - 1) n`,
  [now - 100 * DAY, ORGS],
);
step('users, addresses, organizations');

// g in [0, BIG): org_0, invitee g. g in [BIG, BIG + OTHERS): h = g - BIG, org_(1 + h % 9999), invitee h % 10000.
// bucket (0..19) mixes g with g / 10000 so one invitee's invitations spread over the statuses.
await db.query(
  `
INSERT INTO organization_invitations (organization_id, id, email_address, role, status, inviter_id, notify,
  token_hash, expires_at, created_at, updated_at)
SELECT 'org_' || o, 'orginv_' || g, 'user' || u || '-mail@example.com', 'org:member',
  CASE WHEN b < 14 OR b = 19 THEN 'pending' WHEN b < 17 THEN 'accepted' ELSE 'revoked' END,
  'user_' || o, true,
  CASE WHEN b < 14 THEN sha256(('token' || g)::bytea) END,
  CASE WHEN b < 14 THEN $1::bigint + (1 + g % 29) * $2::bigint
    WHEN b = 19 THEN LEAST(c + 30 * $2::bigint, $1::bigint - (1 + g % 5) * $2::bigint)
    ELSE c + 30 * $2::bigint END,
  c, CASE WHEN b BETWEEN 14 AND 18 THEN c + $2::bigint ELSE c END
FROM generate_series(0, $3::int + $4::int - 1) g,
  LATERAL (SELECT CASE WHEN g < $3 THEN 0 ELSE 1 + (g - $3) % ($5::int - 1) END AS o,
                  CASE WHEN g < $3 THEN g ELSE (g - $3) % 10000 END AS u,
                  ((g + g / 10000) % 20)::int AS b,
                  -- 90 days over 1,000,000 slots (7,776 ms apart), scrambled (7,777 is coprime to 10^6).
                  $1::bigint - 60000 - ((g::bigint * 7777) % 1000000) * 7776 AS c) t
-- Written in creation order, as a live table grows: one organization's rows are spread over the whole heap.
ORDER BY t.c`,
  [now, DAY, BIG, OTHERS, ORGS],
);
step('1,000,000 invitations');

await db.query(
  `INSERT INTO organization_memberships (organization_id, id, user_id, role, created_at, updated_at)
   SELECT 'org_' || n, 'orgmem_admin_' || n, 'user_' || n, 'org:admin', $1::bigint + n, $1::bigint + n
   FROM generate_series(0, $2::int - 1) n`,
  [now - 100 * DAY, ORGS],
);
await db.query(
  `INSERT INTO organization_memberships (organization_id, id, user_id, role, created_at, updated_at)
   SELECT i.organization_id, 'orgmem_' || i.id, e.user_id, 'org:member', i.updated_at, i.updated_at
   FROM organization_invitations i JOIN email_addresses e ON e.email_address = i.email_address
   WHERE i.status = 'accepted'
   ON CONFLICT DO NOTHING`,
);
// Exact counts, in all and by stored status, as migrations 0003 and 0017 start them from existing rows.
await db.query(
  `INSERT INTO organization_invitation_counts (organization_id, shard, total, pending, accepted, revoked, expired)
   SELECT organization_id, 0, count(*), count(*) FILTER (WHERE status = 'pending'),
     count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = 'revoked'),
     count(*) FILTER (WHERE status = 'expired')
   FROM organization_invitations WHERE organization_domain_id IS NULL GROUP BY organization_id`,
);
await db.query(`SET session_replication_role = DEFAULT`);
step('memberships and invitation counts');

for (const { indexdef } of indexes) await db.query(indexdef);
step(`${indexes.length} secondary indexes on organization_invitations rebuilt`);
await db.query('VACUUM ANALYZE');
step('VACUUM ANALYZE');

const { rows: check } = await db.query(`
  SELECT
    (SELECT count(*) FROM organization_invitations)::int AS invitations,
    (SELECT count(*) FROM organization_invitations WHERE organization_id = 'org_0')::int AS org_0,
    (SELECT count(*) FROM (
       SELECT organization_id, count(*) AS n, count(*) FILTER (WHERE status = 'pending') AS p,
         count(*) FILTER (WHERE status = 'accepted') AS a, count(*) FILTER (WHERE status = 'revoked') AS r,
         count(*) FILTER (WHERE status = 'expired') AS e
       FROM organization_invitations WHERE organization_domain_id IS NULL GROUP BY organization_id) r
     FULL JOIN (SELECT organization_id, sum(total) AS n, sum(pending) AS p, sum(accepted) AS a, sum(revoked) AS r,
         sum(expired) AS e FROM organization_invitation_counts GROUP BY organization_id) c
       USING (organization_id)
     WHERE (r.n, r.p, r.a, r.r, r.e) IS DISTINCT FROM (c.n, c.p, c.a, c.r, c.e))::int AS counts_off,
    (SELECT count(*) FROM organization_invitations WHERE status = 'pending' AND expires_at > ${now})::int AS pending,
    (SELECT count(*) FROM organization_invitations WHERE status = 'pending' AND expires_at <= ${now})::int AS expired_by_date,
    (SELECT count(*) FROM organization_invitations WHERE status = 'accepted')::int AS accepted,
    (SELECT count(*) FROM organization_invitations WHERE status = 'revoked')::int AS revoked,
    (SELECT count(*) FROM organization_invitations WHERE email_address = 'user4242-mail@example.com')::int AS user4242,
    (SELECT count(*) FROM organization_memberships)::int AS memberships,
    (SELECT count(*) FROM users)::int AS users,
    pg_size_pretty(pg_total_relation_size('organization_invitations')) AS invitations_size`);
await db.end();
const total = (Date.now() - t0) / 1000;
console.log(`SCALE_SEED ${JSON.stringify({ ...check[0], seconds: timings, total_seconds: total })}`);
if (check[0].counts_off !== 0 || check[0].invitations !== BIG + OTHERS) {
  console.error('organization_invitation_counts is not exact, or rows are missing');
  process.exitCode = 1;
}
