import { type SQL, sql } from 'drizzle-orm';
import { OUTBOX_INSERT } from './outbox-insert.js';

/** A join-link event row: `invitation_id` holds the join link's id (the event history is per link). */
export interface JoinLinkEventRow {
  id: string;
  invitation_id: string;
  organization_id: string;
  type: string;
  data: Record<string, unknown>;
  /** `{ webhook: { type, data } }`: the webhook body's type and data, built when the event happens. */
  snapshot: Record<string, unknown>;
  created_at: number;
}

/**
 * Inserts join-link events and their webhook outbox rows in one statement, inside the transaction that
 * made the change. Join links reuse the invitation event history and the outbox, so the one dispatcher
 * delivers their webhooks (delivery/webhooks.ts sends a prebuilt `snapshot.webhook` as it is).
 */
export function insertJoinLinkEvents(events: JoinLinkEventRow[], outbox: unknown[]): SQL {
  return sql`
WITH ev AS (
  INSERT INTO invitation_events (id, invitation_id, organization_id, type, data, snapshot, created_at)
  SELECT s.id, s.invitation_id, s.organization_id, s.type, s.data, s.snapshot, s.created_at
  FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
    AS s(id text, invitation_id text, organization_id text, type text, data jsonb, snapshot jsonb, created_at bigint)
  RETURNING id
)${sql.raw(OUTBOX_INSERT.head)}${JSON.stringify(outbox)}${sql.raw(OUTBOX_INSERT.tail)}`;
}
