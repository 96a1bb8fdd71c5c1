CREATE TABLE "organization_reminder_settings" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "application_invitations" ADD COLUMN "next_reminder_at" bigint;--> statement-breakpoint
ALTER TABLE "application_invitations" ADD COLUMN "reminders_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_invitations" ADD COLUMN "next_reminder_at" bigint;--> statement-breakpoint
ALTER TABLE "organization_invitations" ADD COLUMN "reminders_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_reminder_settings" ADD CONSTRAINT "organization_reminder_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "application_invitations_next_reminder_idx" ON "application_invitations" USING btree ("next_reminder_at") WHERE "application_invitations"."status" = 'pending' AND "application_invitations"."next_reminder_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "organization_invitations_next_reminder_idx" ON "organization_invitations" USING btree ("next_reminder_at") WHERE "organization_invitations"."status" = 'pending' AND "organization_invitations"."next_reminder_at" IS NOT NULL;