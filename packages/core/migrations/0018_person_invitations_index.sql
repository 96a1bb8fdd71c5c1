-- A person's invitations (by address) are counted and ordered from this index alone: after the order
-- (created_at, id), the status, expiry and domain a filter reads, so only the page's rows leave the index.
DROP INDEX "organization_invitations_email_idx";--> statement-breakpoint
CREATE INDEX "organization_invitations_email_idx" ON "organization_invitations" USING btree ("email_address","created_at","id","status","expires_at","organization_domain_id");
