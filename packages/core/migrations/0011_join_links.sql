CREATE TABLE "organization_join_link_uses" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"join_link_id" text NOT NULL,
	"user_id" text NOT NULL,
	"email_address" text NOT NULL,
	"status" text NOT NULL,
	"membership_id" text,
	"decided_by" text,
	"decided_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "organization_join_link_uses_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "organization_join_links" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"role" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"token_hash" "bytea" NOT NULL,
	"max_uses" integer,
	"uses_count" integer DEFAULT 0 NOT NULL,
	"allowed_email_domains" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"require_approval" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"expires_at" bigint,
	"revoked_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "organization_join_links_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "organization_join_link_uses" ADD CONSTRAINT "organization_join_link_uses_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_join_link_uses" ADD CONSTRAINT "organization_join_link_uses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_join_links" ADD CONSTRAINT "organization_join_links_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_join_links" ADD CONSTRAINT "organization_join_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "organization_join_link_uses_link_user_uidx" ON "organization_join_link_uses" USING btree ("organization_id","join_link_id","user_id");--> statement-breakpoint
CREATE INDEX "organization_join_link_uses_link_created_idx" ON "organization_join_link_uses" USING btree ("organization_id","join_link_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_join_links_id_uidx" ON "organization_join_links" USING btree ("id");--> statement-breakpoint
CREATE INDEX "organization_join_links_org_created_idx" ON "organization_join_links" USING btree ("organization_id","created_at","id");