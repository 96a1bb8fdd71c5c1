-- The invitation counter picks its shard by connection instead of at random. An insert holds its shard's
-- row lock until it commits, through the WAL flush, so two creates in one organization that pick the same
-- shard run one after the other. At random among 16 shards, a quarter of the busy connections of the
-- create benchmark waited on that lock (Lock:transactionid). Now each connection names its shard in the
-- setting invitekit.count_shard (the PostgreSQL driver gives every connection of a process a different
-- one, see storage/database.ts), or falls back to its process id; 64 shards. Readers sum whatever shards
-- exist, as before.
CREATE OR REPLACE FUNCTION invitekit_count_inserted_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO organization_invitation_counts AS c (organization_id, shard, total)
  SELECT organization_id,
         (coalesce(nullif(current_setting('invitekit.count_shard', true), '')::int, pg_backend_pid()) % 64)::smallint,
         count(*)
  FROM inserted_rows GROUP BY organization_id
  ON CONFLICT (organization_id, shard) DO UPDATE SET total = c.total + EXCLUDED.total;
  RETURN NULL;
END $$;
