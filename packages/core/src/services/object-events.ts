import { sql } from 'drizzle-orm';
import { newId } from '../domain/ids.js';
import type { MembershipRequest, OrganizationDomain } from '../domain/organization-domains.js';
import type { Database } from '../storage/database.js';
import { OUTBOX_INSERT } from '../storage/outbox-insert.js';
import type { OutboxRowJson } from './effects.js';
import type { Lifecycle } from './lifecycle-config.js';

/**
 * Webhook events about things other than invitations: organization domains (Clerk's
 * `organizationDomain.created|updated|deleted`) and membership requests (Invitekit's
 * `organizationMembershipRequest.created|accepted|rejected`; Clerk sends none for them).
 */
export type ObjectEventType =
  | 'organizationDomain.created'
  | 'organizationDomain.updated'
  | 'organizationDomain.deleted'
  | 'organizationMembershipRequest.created'
  | 'organizationMembershipRequest.accepted'
  | 'organizationMembershipRequest.rejected';

export type ObjectEventSubject =
  | { organizationDomain: OrganizationDomain }
  | { membershipRequest: MembershipRequest };

export interface ObjectEventSpec {
  /** The domain's or request's id (stored in invitation_events.invitation_id, the event's subject). */
  subjectId: string;
  organizationId: string;
  type: ObjectEventType;
  /** The object right after the change; the dispatcher serializes it as the Backend API does. */
  subject: ObjectEventSubject;
}

/**
 * Records the events and their webhook deliveries through the same outbox as invitations, in the caller's
 * transaction. The snapshot holds the object as it was (`{ organizationDomain }` or `{ membershipRequest }`),
 * from which the dispatcher renders the payload (delivery/webhooks.ts), so a webhook never shows a later
 * state than its event.
 */
export async function recordObjectEvents(
  db: Database,
  lifecycle: Lifecycle,
  specs: ObjectEventSpec[],
  now: number,
): Promise<number> {
  const events = [];
  const outbox: OutboxRowJson[] = [];
  for (const spec of specs) {
    const id = newId('event', now);
    events.push({
      id,
      invitation_id: spec.subjectId,
      organization_id: spec.organizationId,
      type: spec.type,
      snapshot: spec.subject,
      created_at: now,
    });
    for (const url of lifecycle.webhookTargets(spec.type)) {
      outbox.push({
        id: newId('message', now),
        event_id: id,
        kind: 'webhook',
        target: url,
        link: null,
        at: now,
        lease_until: null,
      });
    }
  }
  // Nobody subscribes: nothing to deliver, and no event row to keep.
  if (outbox.length === 0) return 0;
  await db.execute(sql`
WITH ev AS (
  INSERT INTO invitation_events (id, invitation_id, organization_id, type, data, snapshot, created_at)
  SELECT s.id, s.invitation_id, s.organization_id, s.type, '{}'::jsonb, s.snapshot, s.created_at
  FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
    AS s(id text, invitation_id text, organization_id text, type text, snapshot jsonb, created_at bigint)
  RETURNING id
)${sql.raw(OUTBOX_INSERT.head)}${JSON.stringify(outbox)}${sql.raw(OUTBOX_INSERT.tail)}`);
  return outbox.length;
}
