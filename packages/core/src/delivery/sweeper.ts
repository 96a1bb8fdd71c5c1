import { sql } from 'drizzle-orm';
import { type InvitationEventSpec, recordEvents } from '../services/effects.js';
import type { Lifecycle } from '../services/lifecycle-config.js';
import type { Database } from '../storage/database.js';
import { rowsOf } from '../storage/sql-rows.js';
import type { DeliveryLog, ResolvedSweeperOptions } from './options.js';
import { Periodic } from './periodic.js';

export interface SweeperDeps {
  db: Database;
  lifecycle: Lifecycle;
  now: () => number;
  options: ResolvedSweeperOptions;
  log: DeliveryLog;
  /** Reports a database error; true when it is an outage (logged once per outage elsewhere). */
  outage: (err: unknown) => boolean;
}

/**
 * Writes `expired` on pending invitations past `expires_at`, in batches of one transaction each, with an
 * `expired` event per invitation (no email, no webhook). Reads already derive `expired` from `expires_at`,
 * so the sweeper changes nothing a reader sees; it keeps the stored status and the event history true.
 * Rows are taken with FOR UPDATE SKIP LOCKED, so several processes sweep side by side.
 */
export class Sweeper extends Periodic {
  constructor(private readonly deps: SweeperDeps) {
    super({
      intervalMs: deps.options.intervalMs,
      failure: 'sweeper: expiring invitations failed',
      log: deps.log,
      outage: deps.outage,
    });
  }

  protected async work(): Promise<number> {
    let total = 0;
    for (const table of ['organization', 'application'] as const) {
      for (;;) {
        const n = await this.batch(table);
        total += n;
        if (n < this.deps.options.batchSize) break;
      }
    }
    if (total > 0) this.deps.log('info', 'sweeper: invitations expired', { count: total });
    return total;
  }

  private batch(table: 'organization' | 'application'): Promise<number> {
    const now = this.deps.now();
    const limit = this.deps.options.batchSize;
    return this.deps.db.transaction(async (tx) => {
      // Each scan matches its table's partial or expiry index.
      const result =
        table === 'organization'
          ? await tx.execute(sql`
WITH due AS (
  SELECT organization_id, id FROM organization_invitations
  WHERE status = 'pending' AND expires_at <= ${now}
  ORDER BY expires_at LIMIT ${limit}
  FOR UPDATE SKIP LOCKED
)
UPDATE organization_invitations i SET status = 'expired', updated_at = ${now}
FROM due WHERE i.organization_id = due.organization_id AND i.id = due.id
RETURNING i.id, i.organization_id`)
          : await tx.execute(sql`
WITH due AS (
  SELECT id FROM application_invitations
  WHERE expires_at <= ${now} AND status = 'pending'
  ORDER BY expires_at, id LIMIT ${limit}
  FOR UPDATE SKIP LOCKED
)
UPDATE application_invitations a SET status = 'expired', updated_at = ${now}
FROM due WHERE a.id = due.id
RETURNING a.id, NULL::text AS organization_id`);
      const rows = rowsOf<{ id: string; organization_id: string | null }>(result);
      const events: InvitationEventSpec[] = rows.map((r) => ({
        invitationId: r.id,
        organizationId: r.organization_id,
        type: 'expired',
      }));
      await recordEvents(tx, this.deps.lifecycle, events, now);
      return rows.length;
    });
  }
}
