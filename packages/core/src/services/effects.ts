import { sql } from 'drizzle-orm';
import { newId } from '../domain/ids.js';
import type { Database } from '../storage/database.js';
import { OUTBOX_INSERT } from '../storage/outbox-insert.js';
import type { Lifecycle } from './lifecycle-config.js';

export const invitationEventTypes = [
  'created',
  'emailed',
  'delivery_failed',
  'resent',
  'accepted',
  'declined',
  'revoked',
  'expired',
  // Invitekit extension: a reminder email went into the outbox (delivery/reminders.ts). No webhook, as
  // `resent` has none: Clerk's webhooks have no such event.
  'reminded',
  // Invitekit extension: a pending invitation's role, metadata, expiry or locale was edited.
  'updated',
] as const;
export type InvitationEventType = (typeof invitationEventTypes)[number];

/** Event types that notify nobody: they record no snapshot (only notifications are rendered from one). */
const SILENT_EVENTS: InvitationEventType[] = ['emailed', 'delivery_failed', 'expired'];

/** Event types that host applications hear about through webhooks. */
const WEBHOOK_EVENTS: ReadonlySet<InvitationEventType> = new Set([
  'created',
  'accepted',
  'revoked',
  'declined',
  'updated',
]);

/**
 * `organizationInvitation.created` for an organization invitation, `invitation.created` otherwise. Clerk's
 * webhooks have no `declined`: a declined invitation is revoked, and notifies as `.revoked`.
 */
export const webhookEventName = (organizationId: string | null, type: InvitationEventType) =>
  `${organizationId ? 'organizationInvitation' : 'invitation'}.${type === 'declined' ? 'revoked' : type}`;

/** One thing that happened to an invitation, and who must hear of it. */
export interface InvitationEventSpec {
  invitationId: string;
  /** Null for an application invitation. */
  organizationId: string | null;
  type: InvitationEventType;
  /** Facts about the event, e.g. `{ user_id }` on accept. */
  data?: Record<string, unknown>;
  /**
   * Email this accept link to the invitee (created and resent, when the invitation notifies). With
   * `leaseUntil`, the email is written already claimed (attempt 1, leased until then) because this
   * process sends it right after the commit (delivery/dispatcher.ts `reserve`); other dispatchers take
   * it only if that lease runs out.
   */
  email?: { to: string; link: string; leaseUntil?: number | null; notBefore?: number | null };
}

export interface EventRowJson {
  id: string;
  invitation_id: string;
  organization_id: string | null;
  type: InvitationEventType;
  data: Record<string, unknown>;
  created_at: number;
}

export interface OutboxRowJson {
  id: string;
  event_id: string;
  kind: 'email' | 'webhook';
  target: string;
  link: string | null;
  at: number;
  /** Set when the row is written claimed by this process: see InvitationEventSpec.email. */
  lease_until: number | null;
  /** Not sent before this time (imports pace their emails); due at once when absent. */
  due?: number | null;
}

/** The event rows and the outbox rows (emails, webhook deliveries) that a batch of events writes. */
export function effectRows(lifecycle: Lifecycle, specs: InvitationEventSpec[], now: number) {
  const events: EventRowJson[] = [];
  const outbox: OutboxRowJson[] = [];
  for (const spec of specs) {
    const eventId = newId('event', now);
    events.push({
      id: eventId,
      invitation_id: spec.invitationId,
      organization_id: spec.organizationId,
      type: spec.type,
      data: spec.data ?? {},
      created_at: now,
    });
    const message = (
      kind: OutboxRowJson['kind'],
      target: string,
      link: string | null = null,
      leaseUntil: number | null = null,
      due: number | null = null,
    ) =>
      outbox.push({
        id: newId('message', now),
        event_id: eventId,
        kind,
        target,
        link,
        at: now,
        lease_until: leaseUntil,
        ...(due === null ? {} : { due }),
      });
    if (spec.email) {
      const { to, link, leaseUntil, notBefore } = spec.email;
      message('email', to, link, leaseUntil ?? null, notBefore ?? null);
    }
    if (WEBHOOK_EVENTS.has(spec.type)) {
      const name = webhookEventName(spec.organizationId, spec.type);
      for (const url of lifecycle.webhookTargets(name)) {
        message('webhook', url);
      }
    }
  }
  return { events, outbox };
}

/**
 * Records events and their outbox rows in one statement. Run it in the transaction that made the change,
 * after the change: each event's snapshot is read from the invitation's row as that transaction sees it.
 */
export async function recordEvents(
  db: Database,
  lifecycle: Lifecycle,
  specs: InvitationEventSpec[],
  now: number,
): Promise<void> {
  if (specs.length === 0) return;
  const { events, outbox } = effectRows(lifecycle, specs, now);
  await db.execute(sql`
WITH ev AS (
  INSERT INTO invitation_events (id, invitation_id, organization_id, type, data, snapshot, created_at)
  SELECT s.id, s.invitation_id, s.organization_id, s.type, s.data,
    CASE WHEN s.type IN (${sql.raw(SILENT_EVENTS.map((t) => `'${t}'`).join(', '))}) THEN NULL
      WHEN s.organization_id IS NOT NULL
      THEN (SELECT invitekit_organization_invitation_snapshot(to_jsonb(oi)) FROM organization_invitations oi
            WHERE oi.organization_id = s.organization_id AND oi.id = s.invitation_id)
      ELSE (SELECT invitekit_application_invitation_snapshot(to_jsonb(ai)) FROM application_invitations ai
            WHERE ai.id = s.invitation_id)
    END,
    s.created_at
  FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
    AS s(id text, invitation_id text, organization_id text, type text, data jsonb, created_at bigint)
  RETURNING id
)${sql.raw(OUTBOX_INSERT.head)}${JSON.stringify(outbox)}${sql.raw(OUTBOX_INSERT.tail)}`);
}
