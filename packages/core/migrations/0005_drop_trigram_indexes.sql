DROP INDEX "application_invitations_email_trgm_idx";--> statement-breakpoint
DROP INDEX "organization_invitations_email_trgm_idx";