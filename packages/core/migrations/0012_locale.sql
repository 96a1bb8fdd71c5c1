ALTER TABLE "application_invitations" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "organization_invitations" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "locale" text;