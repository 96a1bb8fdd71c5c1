ALTER TABLE "application_invitations" ADD COLUMN "reminder_token_hashes" "bytea"[];--> statement-breakpoint
ALTER TABLE "organization_invitations" ADD COLUMN "reminder_token_hashes" "bytea"[];--> statement-breakpoint
-- An earlier reminder link lives only while the token a reminder replaced it with does: any update that
-- changes token_hash other than by keeping the old hash in reminder_token_hashes (a reminder does that;
-- resend, an edit with notify, accept and revoke do not), or that takes the invitation out of pending
-- (accepted, revoked, expired), empties the list. In a trigger so that every path that rotates or clears a
-- token, today's and later ones, kills the earlier links with it. WHEN keeps it off rows without any.
CREATE FUNCTION invitekit_drop_reminder_token_hashes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> 'pending' OR (NEW.token_hash IS DISTINCT FROM OLD.token_hash
      AND NOT coalesce(OLD.token_hash = ANY(NEW.reminder_token_hashes), false)) THEN
    NEW.reminder_token_hashes := NULL;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER organization_invitations_reminder_token_hashes BEFORE UPDATE ON organization_invitations
  FOR EACH ROW WHEN (OLD.reminder_token_hashes IS NOT NULL) EXECUTE FUNCTION invitekit_drop_reminder_token_hashes();
--> statement-breakpoint
CREATE TRIGGER application_invitations_reminder_token_hashes BEFORE UPDATE ON application_invitations
  FOR EACH ROW WHEN (OLD.reminder_token_hashes IS NOT NULL) EXECUTE FUNCTION invitekit_drop_reminder_token_hashes();
--> statement-breakpoint
-- Event snapshots never hold a token hash (migration 0004): the earlier reminder links' neither.
CREATE OR REPLACE FUNCTION invitekit_organization_invitation_snapshot(invitation jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'invitation', invitation - 'token_hash' - 'reminder_token_hashes',
    'inviter', (
      SELECT jsonb_build_object('user_id', u.id, 'first_name', u.first_name, 'last_name', u.last_name,
        'identifier', (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id))
      FROM users u WHERE u.id = invitation->>'inviter_id'),
    'organization', (
      SELECT jsonb_build_object('id', o.id, 'name', o.name, 'slug', o.slug)
      FROM organizations o WHERE o.id = invitation->>'organization_id'))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION invitekit_application_invitation_snapshot(invitation jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('invitation', invitation - 'token_hash' - 'reminder_token_hashes')
$$;
