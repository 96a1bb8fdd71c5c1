import { type SQL, sql } from 'drizzle-orm';

export type ReminderTable = 'organization' | 'application';

/** A pending invitation whose reminder fell due, locked by the claiming transaction. */
export interface DueReminderRow {
  id: string;
  organization_id: string | null;
  email_address: string;
  redirect_url: string | null;
  notify: boolean;
  expires_at: string | number;
  created_at: string | number;
  reminders_sent: number;
  next_reminder_at: string | number;
  /** False when the organization turned reminders off (organization_reminder_settings). */
  organization_enabled: boolean;
}

/**
 * Locks up to `limit` pending invitations whose reminder is due, oldest due first, skipping rows another
 * process holds (FOR UPDATE SKIP LOCKED): two sweepers never take one row. A row another process has just
 * reminded is re-read after its lock is released and no longer matches `next_reminder_at <= now`. The
 * scan is the partial index on pending invitations' `next_reminder_at` (migration 0008).
 */
export function claimDueReminders(table: ReminderTable, now: number, limit: number): SQL {
  return table === 'organization'
    ? sql`
WITH due AS (
  SELECT organization_id, id FROM organization_invitations
  WHERE status = 'pending' AND next_reminder_at IS NOT NULL AND next_reminder_at <= ${now}
  ORDER BY next_reminder_at LIMIT ${limit}
  FOR UPDATE SKIP LOCKED
)
SELECT i.id, i.organization_id, i.email_address, i.redirect_url, i.notify, i.expires_at, i.created_at,
  i.reminders_sent, i.next_reminder_at,
  COALESCE((SELECT s.enabled FROM organization_reminder_settings s WHERE s.organization_id = i.organization_id), true)
    AS organization_enabled
FROM due JOIN organization_invitations i ON i.organization_id = due.organization_id AND i.id = due.id`
    : sql`
WITH due AS (
  SELECT id FROM application_invitations
  WHERE status = 'pending' AND next_reminder_at IS NOT NULL AND next_reminder_at <= ${now}
  ORDER BY next_reminder_at LIMIT ${limit}
  FOR UPDATE SKIP LOCKED
)
SELECT a.id, NULL::text AS organization_id, a.email_address, a.redirect_url, a.notify, a.expires_at,
  a.created_at, a.reminders_sent, a.next_reminder_at, true AS organization_enabled
FROM due JOIN application_invitations a ON a.id = due.id`;
}

/** What one claimed row becomes: a new token hash when a reminder is sent, the next due time. */
export interface ReminderUpdate {
  id: string;
  organization_id: string | null;
  /** Hex SHA-256 of the reminder link's secret; null when this step sent nothing (the token stays). */
  token_hash: string | null;
  next_reminder_at: number | null;
  /** 1 when this step sent a reminder, else 0. */
  sent: number;
}

/**
 * Writes the claimed rows' outcomes, in the claiming transaction (the rows are still locked). A reminder's
 * new hash replaces `token_hash`, and the one it replaces joins `reminder_token_hashes`, so earlier links
 * keep working (one more per reminder: at most the schedule's `max`).
 */
export function applyReminderUpdates(table: ReminderTable, updates: ReminderUpdate[]): SQL {
  const json = JSON.stringify(updates);
  const from = sql`jsonb_to_recordset(${json}::jsonb)
  AS u(id text, organization_id text, token_hash text, next_reminder_at bigint, sent integer)`;
  return table === 'organization'
    ? sql`
UPDATE organization_invitations i SET
  reminder_token_hashes = CASE WHEN u.token_hash IS NOT NULL AND i.token_hash IS NOT NULL
    THEN array_append(i.reminder_token_hashes, i.token_hash) ELSE i.reminder_token_hashes END,
  token_hash = COALESCE(decode(u.token_hash, 'hex'), i.token_hash),
  next_reminder_at = u.next_reminder_at,
  reminders_sent = i.reminders_sent + u.sent
FROM ${from}
WHERE i.organization_id = u.organization_id AND i.id = u.id`
    : sql`
UPDATE application_invitations a SET
  reminder_token_hashes = CASE WHEN u.token_hash IS NOT NULL AND a.token_hash IS NOT NULL
    THEN array_append(a.reminder_token_hashes, a.token_hash) ELSE a.reminder_token_hashes END,
  token_hash = COALESCE(decode(u.token_hash, 'hex'), a.token_hash),
  next_reminder_at = u.next_reminder_at,
  reminders_sent = a.reminders_sent + u.sent
FROM ${from}
WHERE a.id = u.id`;
}
