ALTER TABLE "application_invitations" ADD COLUMN "reminders" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_invitations" ADD COLUMN "reminders" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- Which pending invitations opted out was never stored. Those with no reminder to come and none sent keep
-- none after an edit of their expiry: an opt-out is never undone, at the cost of the few that merely had no
-- step left (or were created while reminders were off), which stay without reminders as before.
UPDATE "organization_invitations" SET "reminders" = false
  WHERE "status" = 'pending' AND "next_reminder_at" IS NULL AND "reminders_sent" = 0;
--> statement-breakpoint
UPDATE "application_invitations" SET "reminders" = false
  WHERE "status" = 'pending' AND "next_reminder_at" IS NULL AND "reminders_sent" = 0;
