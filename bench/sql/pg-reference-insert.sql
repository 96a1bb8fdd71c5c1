-- pgbench script for the PostgreSQL-alone reference: one single-row invitation INSERT per transaction
-- (autocommit), every row into the same organization, as the HTTP create workload does.
-- Adapted from the shared reference (/work/shared/bench-reference/insert.sql).
--
-- Caution when editing: pgbench replaces a colon followed by a name anywhere in this file, comments and
-- string literals included. That is why the role is spelled 'org' || chr(58) || 'member' below, and why
-- these comments never put a name right after a colon.
-- Variables: org is given with pgbench -D org=N; client_id is built in; r is set here.
-- Unique values: id and token_hash from gen_random_uuid(); the address from client, sequence and random.
\set r random(1, 1000000000)
INSERT INTO invitations
  (id, organization_id, email_address, role, status, inviter_id, token_hash,
   public_metadata, private_metadata, expires_at, created_at, updated_at)
VALUES
  ('inv_' || replace(gen_random_uuid()::text, '-', ''),
   'org_bench_' || CAST(:org AS text),
   'pg-' || CAST(:client_id AS text) || '-' || nextval('invitations_bench_seq') || '-' || CAST(:r AS text)
     || '@bench.example.com',
   'org' || chr(58) || 'member',
   'pending',
   'user_bench_' || CAST(:client_id AS text),
   encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'),
   '{}'::jsonb,
   '{}'::jsonb,
   now() + interval '7 days',
   now(),
   now());
