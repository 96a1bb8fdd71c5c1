-- PostgreSQL-alone reference for the create workload: a table shaped like one invitation row, with the
-- indexes an invitations table needs (primary key, unique token, org + created_at for listing, unique
-- pending address per org) and no foreign keys. pgbench inserts into it; the server's create rate is
-- reported as a fraction of this rate.
-- Adapted from the shared reference (/work/shared/bench-reference/schema.sql), kept the same shape so
-- ratios stay comparable with the figures published there.
-- Re-runnable: bench/run.sh loads it into a freshly created database every run.
DROP TABLE IF EXISTS invitations;
DROP SEQUENCE IF EXISTS invitations_bench_seq;

CREATE SEQUENCE invitations_bench_seq;

CREATE TABLE invitations (
  id               text        PRIMARY KEY,
  organization_id  text        NOT NULL,
  email_address    text        NOT NULL,
  role             text        NOT NULL,
  status           text        NOT NULL,
  inviter_id       text        NOT NULL,
  token_hash       text        NOT NULL UNIQUE,
  public_metadata  jsonb       NOT NULL DEFAULT '{}'::jsonb,
  private_metadata jsonb       NOT NULL DEFAULT '{}'::jsonb,
  expires_at       timestamptz NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);

CREATE INDEX invitations_org_created_idx ON invitations (organization_id, created_at DESC);

CREATE UNIQUE INDEX invitations_org_email_pending_uidx
  ON invitations (organization_id, lower(email_address))
  WHERE status = 'pending';
