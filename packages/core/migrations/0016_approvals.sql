ALTER TABLE "organization_membership_requests" ADD COLUMN "role" text;--> statement-breakpoint
ALTER TABLE "organization_membership_requests" ADD COLUMN "join_link_id" text;--> statement-breakpoint
ALTER TABLE "organization_membership_requests" ADD COLUMN "join_link_use_id" text;--> statement-breakpoint
ALTER TABLE "organization_membership_requests" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "organization_membership_requests" ADD COLUMN "decided_at" bigint;--> statement-breakpoint
CREATE UNIQUE INDEX "organization_membership_requests_join_link_use_uidx" ON "organization_membership_requests" USING btree ("organization_id","join_link_use_id");--> statement-breakpoint
-- Join-link requests still pending become membership requests (same time-ordered id suffix), so admins
-- decide them in the one list. A person who already has a pending request there keeps that one.
INSERT INTO "organization_membership_requests"
  ("organization_id", "id", "user_id", "status", "role", "join_link_id", "join_link_use_id", "created_at", "updated_at")
SELECT u."organization_id", 'orgmbreq_' || substr(u."id", length('orgjlu_') + 1), u."user_id", 'pending', l."role",
  u."join_link_id", u."id", u."created_at", u."updated_at"
FROM "organization_join_link_uses" u
JOIN "organization_join_links" l ON l."organization_id" = u."organization_id" AND l."id" = u."join_link_id"
WHERE u."status" = 'pending'
ON CONFLICT DO NOTHING;
