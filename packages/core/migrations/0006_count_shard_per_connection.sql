-- The invitation counter picks its shard by connection instead of at random. An insert holds its shard's
-- row lock until it commits, through the WAL flush, so two creates in one organization that pick the same
-- shard run one after the other. At random among 16 shards, a quarter of the busy connections of the
-- create benchmark waited on that lock (Lock:transactionid). By connection among 64, two connections only
-- ever meet when their process ids fall on the same shard. Readers sum whatever shards exist, as before.
CREATE OR REPLACE FUNCTION invitekit_count_inserted_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO organization_invitation_counts AS c (organization_id, shard, total)
  SELECT organization_id, (pg_backend_pid() % 64)::smallint, count(*) FROM inserted_rows GROUP BY organization_id
  ON CONFLICT (organization_id, shard) DO UPDATE SET total = c.total + EXCLUDED.total;
  RETURN NULL;
END $$;
