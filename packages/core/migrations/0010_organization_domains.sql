CREATE TABLE "organization_domains" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"enrollment_mode" text NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"verification_strategy" text,
	"verified_at" bigint,
	"affiliation_email_address" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "organization_domains_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "organization_membership_requests" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "organization_membership_requests_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "organization_suggestions" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"user_id" text NOT NULL,
	"organization_domain_id" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "organization_suggestions_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "organization_invitations" ADD COLUMN "organization_domain_id" text;--> statement-breakpoint
ALTER TABLE "organization_domains" ADD CONSTRAINT "organization_domains_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_membership_requests" ADD CONSTRAINT "organization_membership_requests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_membership_requests" ADD CONSTRAINT "organization_membership_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_suggestions" ADD CONSTRAINT "organization_suggestions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_suggestions" ADD CONSTRAINT "organization_suggestions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "organization_domains_id_uidx" ON "organization_domains" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_domains_org_name_uidx" ON "organization_domains" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_domains_verified_name_uidx" ON "organization_domains" USING btree ("name") WHERE "organization_domains"."verified";--> statement-breakpoint
CREATE UNIQUE INDEX "organization_membership_requests_pending_uidx" ON "organization_membership_requests" USING btree ("organization_id","user_id") WHERE "organization_membership_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "organization_membership_requests_org_idx" ON "organization_membership_requests" USING btree ("organization_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_suggestions_id_uidx" ON "organization_suggestions" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_suggestions_user_uidx" ON "organization_suggestions" USING btree ("organization_id","user_id");--> statement-breakpoint
CREATE INDEX "organization_suggestions_user_idx" ON "organization_suggestions" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "organization_invitations_domain_idx" ON "organization_invitations" USING btree ("organization_id","organization_domain_id") WHERE "organization_invitations"."organization_domain_id" IS NOT NULL;--> statement-breakpoint
-- Automatic invitations (verified domains) stay out of the organization's invitation list, as in Clerk:
-- the per-organization counter behind that list's total_count counts only the others.
CREATE OR REPLACE FUNCTION invitekit_count_inserted_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO organization_invitation_counts AS c (organization_id, shard, total)
  SELECT organization_id,
         (coalesce(nullif(current_setting('invitekit.count_shard', true), '')::int, pg_backend_pid()) % 64)::smallint,
         count(*)
  FROM inserted_rows WHERE organization_domain_id IS NULL GROUP BY organization_id
  ON CONFLICT (organization_id, shard) DO UPDATE SET total = c.total + EXCLUDED.total;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION invitekit_count_deleted_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE organization_invitation_counts AS c SET total = c.total - d.n
  FROM (SELECT organization_id, count(*) AS n FROM deleted_rows WHERE organization_domain_id IS NULL
        GROUP BY organization_id) d
  WHERE c.organization_id = d.organization_id
    AND c.shard = (SELECT min(shard) FROM organization_invitation_counts WHERE organization_id = d.organization_id);
  RETURN NULL;
END $$;
