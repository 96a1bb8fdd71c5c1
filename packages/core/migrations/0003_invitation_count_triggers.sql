-- Keeps organization_invitation_counts exact: statement-level triggers see every inserted or deleted row
-- (transition tables) and run in the writing transaction.
CREATE FUNCTION invitekit_count_inserted_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO organization_invitation_counts AS c (organization_id, shard, total)
  SELECT organization_id, floor(random() * 16)::smallint, count(*) FROM inserted_rows GROUP BY organization_id
  ON CONFLICT (organization_id, shard) DO UPDATE SET total = c.total + EXCLUDED.total;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER organization_invitations_count_inserted AFTER INSERT ON organization_invitations
  REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION invitekit_count_inserted_invitations();
--> statement-breakpoint
-- Deletes only update: when an organization is deleted, its counts go with it by cascade.
CREATE FUNCTION invitekit_count_deleted_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE organization_invitation_counts AS c SET total = c.total - d.n
  FROM (SELECT organization_id, count(*) AS n FROM deleted_rows GROUP BY organization_id) d
  WHERE c.organization_id = d.organization_id
    AND c.shard = (SELECT min(shard) FROM organization_invitation_counts WHERE organization_id = d.organization_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER organization_invitations_count_deleted AFTER DELETE ON organization_invitations
  REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION invitekit_count_deleted_invitations();
--> statement-breakpoint
-- Databases that already hold invitations start from their true counts.
INSERT INTO organization_invitation_counts (organization_id, shard, total)
SELECT organization_id, 0, count(*) FROM organization_invitations GROUP BY organization_id;
