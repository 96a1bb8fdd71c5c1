CREATE TABLE "invitation_events" (
	"id" text PRIMARY KEY NOT NULL,
	"invitation_id" text NOT NULL,
	"organization_id" text,
	"type" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"snapshot" jsonb,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"link" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"delivered_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "application_invitations" ADD COLUMN "token_hash" "bytea";--> statement-breakpoint
ALTER TABLE "application_invitations" ADD COLUMN "user_id" text;--> statement-breakpoint
ALTER TABLE "organization_invitations" ADD COLUMN "token_hash" "bytea";--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_event_id_invitation_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."invitation_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invitation_events_invitation_idx" ON "invitation_events" USING btree ("invitation_id","created_at","id");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("next_attempt_at") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_event_idx" ON "outbox" USING btree ("event_id");--> statement-breakpoint
ALTER TABLE "application_invitations" ADD CONSTRAINT "application_invitations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "organization_invitations_id_uidx" ON "organization_invitations" USING btree ("id");--> statement-breakpoint
CREATE INDEX "organization_invitations_pending_expiry_idx" ON "organization_invitations" USING btree ("expires_at") WHERE "organization_invitations"."status" = 'pending';--> statement-breakpoint
-- What an event remembers of an organization invitation: its row (never the token hash), and the inviter's
-- and organization's public data as they were at that moment. Takes the row as jsonb so that a
-- data-modifying CTE can pass the row it just inserted (which the same statement cannot read back).
CREATE FUNCTION invitekit_organization_invitation_snapshot(invitation jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'invitation', invitation - 'token_hash',
    'inviter', (
      SELECT jsonb_build_object('user_id', u.id, 'first_name', u.first_name, 'last_name', u.last_name,
        'identifier', (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id))
      FROM users u WHERE u.id = invitation->>'inviter_id'),
    'organization', (
      SELECT jsonb_build_object('id', o.id, 'name', o.name, 'slug', o.slug)
      FROM organizations o WHERE o.id = invitation->>'organization_id'))
$$;
--> statement-breakpoint
CREATE FUNCTION invitekit_application_invitation_snapshot(invitation jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('invitation', invitation - 'token_hash')
$$;
