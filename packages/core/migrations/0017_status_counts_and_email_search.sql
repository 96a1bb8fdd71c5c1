DROP INDEX "organization_invitations_pending_expiry_idx";--> statement-breakpoint
ALTER TABLE "organization_invitation_counts" ADD COLUMN "pending" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_invitation_counts" ADD COLUMN "accepted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_invitation_counts" ADD COLUMN "revoked" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_invitation_counts" ADD COLUMN "expired" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "organization_invitations_email_trgm_idx" ON "organization_invitations" USING gin ("email_address" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "organization_invitations_pending_expiry_idx" ON "organization_invitations" USING btree ("expires_at",("organization_id" || ''),"organization_domain_id") WHERE "organization_invitations"."status" = 'pending';--> statement-breakpoint
-- organization_invitation_counts also counts by stored status, so a status filter's total_count is read
-- from it (plus or minus the organization's pending rows past expiry, which turn expired by time without a
-- write: counted index-only through organization_invitations_pending_expiry_idx, a short range while the
-- expiry sweeper keeps up). Automatic invitations (verified domains) stay out, as in 0010.
CREATE OR REPLACE FUNCTION invitekit_count_inserted_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO organization_invitation_counts AS c (organization_id, shard, total, pending, accepted, revoked, expired)
  SELECT organization_id,
         (coalesce(nullif(current_setting('invitekit.count_shard', true), '')::int, pg_backend_pid()) % 64)::smallint,
         count(*),
         count(*) FILTER (WHERE status = 'pending'),
         count(*) FILTER (WHERE status = 'accepted'),
         count(*) FILTER (WHERE status = 'revoked'),
         count(*) FILTER (WHERE status = 'expired')
  FROM inserted_rows WHERE organization_domain_id IS NULL GROUP BY organization_id
  ON CONFLICT (organization_id, shard) DO UPDATE SET total = c.total + EXCLUDED.total,
    pending = c.pending + EXCLUDED.pending, accepted = c.accepted + EXCLUDED.accepted,
    revoked = c.revoked + EXCLUDED.revoked, expired = c.expired + EXCLUDED.expired;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION invitekit_count_deleted_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE organization_invitation_counts AS c SET total = c.total - d.n, pending = c.pending - d.pending,
    accepted = c.accepted - d.accepted, revoked = c.revoked - d.revoked, expired = c.expired - d.expired
  FROM (SELECT organization_id, count(*) AS n,
               count(*) FILTER (WHERE status = 'pending') AS pending,
               count(*) FILTER (WHERE status = 'accepted') AS accepted,
               count(*) FILTER (WHERE status = 'revoked') AS revoked,
               count(*) FILTER (WHERE status = 'expired') AS expired
        FROM deleted_rows WHERE organization_domain_id IS NULL GROUP BY organization_id) d
  WHERE c.organization_id = d.organization_id
    AND c.shard = (SELECT min(shard) FROM organization_invitation_counts WHERE organization_id = d.organization_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A status change (accept, revoke, expiry sweep, ...) moves one row between status counters, on the
-- connection's own shard as inserts do. Row-level with a WHEN clause, so updates that leave the status
-- alone (resend, edit, reminders, delivery) do not run it at all.
CREATE FUNCTION invitekit_count_updated_invitation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO organization_invitation_counts AS c (organization_id, shard, total, pending, accepted, revoked, expired)
  SELECT v.organization_id,
         (coalesce(nullif(current_setting('invitekit.count_shard', true), '')::int, pg_backend_pid()) % 64)::smallint,
         sum(v.d),
         sum(CASE WHEN v.status = 'pending' THEN v.d ELSE 0 END),
         sum(CASE WHEN v.status = 'accepted' THEN v.d ELSE 0 END),
         sum(CASE WHEN v.status = 'revoked' THEN v.d ELSE 0 END),
         sum(CASE WHEN v.status = 'expired' THEN v.d ELSE 0 END)
  FROM (VALUES (OLD.organization_id, OLD.status, OLD.organization_domain_id, -1),
               (NEW.organization_id, NEW.status, NEW.organization_domain_id, 1)) AS v(organization_id, status, domain_id, d)
  WHERE v.domain_id IS NULL
  GROUP BY v.organization_id
  ON CONFLICT (organization_id, shard) DO UPDATE SET total = c.total + EXCLUDED.total,
    pending = c.pending + EXCLUDED.pending, accepted = c.accepted + EXCLUDED.accepted,
    revoked = c.revoked + EXCLUDED.revoked, expired = c.expired + EXCLUDED.expired;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER organization_invitations_count_updated AFTER UPDATE OF status, organization_id, organization_domain_id
  ON organization_invitations FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.organization_id IS DISTINCT FROM NEW.organization_id
        OR OLD.organization_domain_id IS DISTINCT FROM NEW.organization_domain_id)
  EXECUTE FUNCTION invitekit_count_updated_invitation();
--> statement-breakpoint
-- Databases that already hold invitations start from their true counts by status (on shard 0; the totals
-- are already exact).
INSERT INTO organization_invitation_counts AS c (organization_id, shard, total, pending, accepted, revoked, expired)
SELECT organization_id, 0, 0,
       count(*) FILTER (WHERE status = 'pending'),
       count(*) FILTER (WHERE status = 'accepted'),
       count(*) FILTER (WHERE status = 'revoked'),
       count(*) FILTER (WHERE status = 'expired')
FROM organization_invitations WHERE organization_domain_id IS NULL GROUP BY organization_id
ON CONFLICT (organization_id, shard) DO UPDATE SET pending = EXCLUDED.pending, accepted = EXCLUDED.accepted,
  revoked = EXCLUDED.revoked, expired = EXCLUDED.expired;
