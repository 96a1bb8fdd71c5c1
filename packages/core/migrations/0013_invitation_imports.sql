CREATE TABLE "invitation_import_rows" (
	"organization_id" text NOT NULL,
	"import_id" text NOT NULL,
	"row_number" integer NOT NULL,
	"email_address" text NOT NULL,
	"role" text,
	"public_metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"private_metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"locale" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"result" text,
	"reason" text,
	"invitation_id" text,
	"processed_at" bigint,
	CONSTRAINT "invitation_import_rows_organization_id_import_id_row_number_pk" PRIMARY KEY("organization_id","import_id","row_number")
);
--> statement-breakpoint
CREATE TABLE "invitation_imports" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"inviter_id" text,
	"notify" boolean DEFAULT true NOT NULL,
	"redirect_url" text,
	"expires_in_days" integer,
	"total_rows" integer NOT NULL,
	"next_email_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"completed_at" bigint,
	CONSTRAINT "invitation_imports_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "invitation_import_rows" ADD CONSTRAINT "invitation_import_rows_import_fk" FOREIGN KEY ("organization_id","import_id") REFERENCES "public"."invitation_imports"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitation_imports" ADD CONSTRAINT "invitation_imports_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitation_imports" ADD CONSTRAINT "invitation_imports_inviter_id_users_id_fk" FOREIGN KEY ("inviter_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invitation_import_rows_pending_idx" ON "invitation_import_rows" USING btree ("import_id","row_number") WHERE "invitation_import_rows"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "invitation_imports_id_uidx" ON "invitation_imports" USING btree ("id");