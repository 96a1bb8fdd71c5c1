CREATE TABLE "organization_invitation_counts" (
	"organization_id" text NOT NULL,
	"shard" smallint NOT NULL,
	"total" integer NOT NULL,
	CONSTRAINT "organization_invitation_counts_organization_id_shard_pk" PRIMARY KEY("organization_id","shard")
);
--> statement-breakpoint
ALTER TABLE "organization_invitation_counts" ADD CONSTRAINT "organization_invitation_counts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;