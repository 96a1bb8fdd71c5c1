-- A status change moved one row between status counters through a row-level trigger (0017): an accept of
-- 8 invitations in one statement ran 8 upserts of the same counter row. Now one statement-level trigger
-- counts all the rows an UPDATE changed, from its transition tables: each row counts -1 as it was and +1 as
-- it is, so a row whose status, organization and domain stayed the same cancels out, and an organization
-- whose counts did not move is not written. PostgreSQL allows no column list with transition
-- tables, so it runs after every UPDATE of organization_invitations (an empty one is a cheap no-op).
DROP TRIGGER "organization_invitations_count_updated" ON "organization_invitations";--> statement-breakpoint
DROP FUNCTION "invitekit_count_updated_invitation"();--> statement-breakpoint
CREATE FUNCTION invitekit_count_updated_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO organization_invitation_counts AS c (organization_id, shard, total, pending, accepted, revoked, expired)
  SELECT s.organization_id,
         (coalesce(nullif(current_setting('invitekit.count_shard', true), '')::int, pg_backend_pid()) % 64)::smallint,
         s.total, s.pending, s.accepted, s.revoked, s.expired
  FROM (SELECT v.organization_id, sum(v.d) AS total,
               coalesce(sum(v.d) FILTER (WHERE v.status = 'pending'), 0) AS pending,
               coalesce(sum(v.d) FILTER (WHERE v.status = 'accepted'), 0) AS accepted,
               coalesce(sum(v.d) FILTER (WHERE v.status = 'revoked'), 0) AS revoked,
               coalesce(sum(v.d) FILTER (WHERE v.status = 'expired'), 0) AS expired
        FROM (SELECT organization_id, status, -1 AS d FROM updated_old WHERE organization_domain_id IS NULL
              UNION ALL
              SELECT organization_id, status, 1 FROM updated_new WHERE organization_domain_id IS NULL) AS v
        GROUP BY v.organization_id) AS s
  WHERE (s.total, s.pending, s.accepted, s.revoked, s.expired) <> (0, 0, 0, 0, 0)
  ON CONFLICT (organization_id, shard) DO UPDATE SET total = c.total + EXCLUDED.total,
    pending = c.pending + EXCLUDED.pending, accepted = c.accepted + EXCLUDED.accepted,
    revoked = c.revoked + EXCLUDED.revoked, expired = c.expired + EXCLUDED.expired;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER organization_invitations_count_updated AFTER UPDATE ON organization_invitations
  REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
  FOR EACH STATEMENT EXECUTE FUNCTION invitekit_count_updated_invitations();
