import { acceptLink } from '../domain/links.js';
import type { ReminderSchedule } from '../domain/reminders.js';
import { issueToken } from '../domain/tokens.js';
import { type InvitationEventSpec, recordEvents } from '../services/effects.js';
import type { Lifecycle } from '../services/lifecycle-config.js';
import type { Database } from '../storage/database.js';
import {
  applyReminderUpdates,
  claimDueReminders,
  type DueReminderRow,
  type ReminderTable,
  type ReminderUpdate,
} from '../storage/reminders-statements.js';
import { rowsOf } from '../storage/sql-rows.js';
import type { DeliveryLog } from './options.js';
import { Periodic } from './periodic.js';

export interface ReminderSweeperDeps {
  db: Database;
  lifecycle: Lifecycle;
  schedule: ReminderSchedule;
  now: () => number;
  log: DeliveryLog;
  /** Reports a database error; true when it is an outage (logged once per outage elsewhere). */
  outage: (err: unknown) => boolean;
  /** Tells this process's dispatcher that reminder emails are in the outbox. */
  wake: () => void;
}

/**
 * Invitekit extension: sends invitation reminders (domain/reminders.ts) through the outbox. Each batch is
 * one transaction: it locks due invitations (FOR UPDATE SKIP LOCKED, so processes sweeping side by side
 * never take the same one), gives each one it reminds a new accept token (earlier ones stay valid), moves
 * its `next_reminder_at` on and counts it, and writes a `reminded` event with its email. The row's move
 * and the outbox row commit together, so a reminder goes into the outbox once, and the outbox sends it once.
 *
 * A due reminder is skipped (and the schedule moves on) when the invitation has expired or its
 * organization turned reminders off; accepted and revoked invitations have left the sweep's index. The
 * dispatcher checks again when it sends: an invitation accepted, revoked or expired after the sweep, or
 * given a newer link, gets no email.
 *
 * The link: tokens are stored only as a hash, so a reminder cannot repeat an earlier link. It issues a new
 * one, and keeps the hash it replaces in `reminder_token_hashes` (storage/reminders-statements.ts), so the
 * links of earlier emails keep working, unlike after a resend.
 */
export class ReminderSweeper extends Periodic {
  constructor(private readonly deps: ReminderSweeperDeps) {
    super({
      intervalMs: deps.schedule.intervalMs,
      failure: 'reminders: sweeping due reminders failed',
      log: deps.log,
      outage: deps.outage,
    });
  }

  protected async work(): Promise<number> {
    let sent = 0;
    for (const table of ['organization', 'application'] as const) {
      for (;;) {
        const batch = await this.batch(table);
        sent += batch.sent;
        if (batch.sent > 0) this.deps.wake();
        if (batch.claimed < this.deps.schedule.batchSize) break;
      }
    }
    if (sent > 0) this.deps.log('info', 'reminders: reminders queued', { count: sent });
    return sent;
  }

  private batch(table: ReminderTable): Promise<{ claimed: number; sent: number }> {
    const { db, lifecycle, schedule } = this.deps;
    const now = this.deps.now();
    return db.transaction(async (tx) => {
      const rows = rowsOf<DueReminderRow>(
        await tx.execute(claimDueReminders(table, now, schedule.batchSize)),
      );
      const updates: ReminderUpdate[] = [];
      const events: InvitationEventSpec[] = [];
      for (const r of rows) {
        const createdAt = Number(r.created_at);
        const expiresAt = Number(r.expires_at);
        const live = r.notify && expiresAt > now;
        const send = live && r.organization_enabled && r.reminders_sent < schedule.max;
        const sent = r.reminders_sent + (send ? 1 : 0);
        // The next step after now: a sweep that runs late sends one reminder, never a burst.
        const next = live ? schedule.next(createdAt, expiresAt, now, sent) : null;
        const update = { id: r.id, organization_id: r.organization_id, next_reminder_at: next };
        if (!send) {
          updates.push({ ...update, token_hash: null, sent: 0 });
          continue;
        }
        const token = issueToken(r.id);
        updates.push({ ...update, token_hash: token.hash.toString('hex'), sent: 1 });
        events.push({
          invitationId: r.id,
          organizationId: r.organization_id,
          type: 'reminded',
          data: { reminder: sent, next_reminder_at: next },
          email: { to: r.email_address, link: acceptLink(lifecycle.linkBase(r.redirect_url), token.token) },
        });
      }
      if (updates.length > 0) await tx.execute(applyReminderUpdates(table, updates));
      // After the update: each event's snapshot is read from the row as this transaction sees it.
      await recordEvents(tx, lifecycle, events, now);
      return { claimed: rows.length, sent: events.length };
    });
  }
}
