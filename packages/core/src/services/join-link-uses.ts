import { and, eq, sql } from 'drizzle-orm';
import { newId } from '../domain/ids.js';
import type { JoinLinkUse, JoinLinkUseStatus } from '../domain/join-links.js';
import type { Database } from '../storage/database.js';
import { insertJoinLinkEvents, type JoinLinkEventRow } from '../storage/join-links-statements.js';
import {
  organizationJoinLinks as jl,
  organizationJoinLinkUses as jlu,
  type OrganizationJoinLinkUseRow,
  organizations,
} from '../storage/schema.js';
import type { ServiceContext } from './context.js';

// A join link's uses and their events, shared by services/join-links.ts (a join records a use) and
// services/membership-requests.ts (deciding a request a join link made settles its use in the same
// transaction), so neither imports the other's service.

/** Webhook event types (Invitekit extension). */
export const joinLinkWebhookTypes = ['joinLink.joined', 'joinLink.requested', 'joinLink.rejected'] as const;
export type JoinLinkWebhookType = (typeof joinLinkWebhookTypes)[number];

export const useFromRow = (r: OrganizationJoinLinkUseRow): JoinLinkUse => ({
  id: r.id,
  organizationId: r.organizationId,
  joinLinkId: r.joinLinkId,
  userId: r.userId,
  emailAddress: r.emailAddress,
  status: r.status as JoinLinkUseStatus,
  membershipId: r.membershipId,
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export interface SettleJoinLinkUse {
  organizationId: string;
  joinLinkId: string;
  useId: string;
  outcome: 'joined' | 'rejected';
  membershipId: string | null;
  decidedBy: string | null;
  now: number;
}

/**
 * Settles a pending use in the caller's transaction (the one deciding its membership request): its
 * status and decision, the use given back to the link on reject, and the joinLink.joined|rejected event.
 * Conditional on `pending`, so a use is settled once.
 */
export async function settleJoinLinkUse(ctx: ServiceContext, tx: Database, s: SettleJoinLinkUse) {
  const [row] = await tx
    .update(jlu)
    .set({
      status: s.outcome,
      membershipId: s.membershipId,
      decidedBy: s.decidedBy,
      decidedAt: s.now,
      updatedAt: s.now,
    })
    .where(
      and(
        eq(jlu.organizationId, s.organizationId),
        eq(jlu.joinLinkId, s.joinLinkId),
        eq(jlu.id, s.useId),
        eq(jlu.status, 'pending'),
      ),
    )
    .returning();
  if (!row) return;
  if (s.outcome === 'rejected') {
    await tx
      .update(jl)
      .set({ usesCount: sql`${jl.usesCount} - 1`, updatedAt: s.now })
      .where(and(eq(jl.organizationId, s.organizationId), eq(jl.id, s.joinLinkId)));
  }
  const [found] = await tx
    .select({
      link: { id: jl.id, role: jl.role },
      organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
    })
    .from(jl)
    .innerJoin(organizations, eq(organizations.id, jl.organizationId))
    .where(and(eq(jl.organizationId, s.organizationId), eq(jl.id, s.joinLinkId)));
  if (!found) return;
  const { link, organization } = found;
  await recordJoinLinkEvent(
    ctx,
    tx,
    s.outcome === 'joined' ? 'joinLink.joined' : 'joinLink.rejected',
    row,
    link,
    organization,
    s.now,
  );
}

/** Records a join-link event and its webhook deliveries, in the caller's transaction. */
export async function recordJoinLinkEvent(
  ctx: ServiceContext,
  tx: Database,
  type: JoinLinkWebhookType,
  use: OrganizationJoinLinkUseRow,
  link: { id: string; role: string },
  organization: { id: string; name: string; slug: string },
  now: number,
): Promise<void> {
  const eventId = newId('event', now);
  const data = {
    object: 'join_link_use',
    id: use.id,
    join_link_id: link.id,
    organization_id: use.organizationId,
    user_id: use.userId,
    email_address: use.emailAddress,
    status: use.status,
    role: link.role,
    membership_id: use.membershipId,
    created_at: use.createdAt,
    updated_at: use.updatedAt,
    public_organization_data: { ...organization, image_url: '', has_image: false },
  };
  const event: JoinLinkEventRow = {
    id: eventId,
    invitation_id: link.id,
    organization_id: use.organizationId,
    type,
    data: { user_id: use.userId, use_id: use.id, membership_id: use.membershipId },
    snapshot: { webhook: { type, data } },
    created_at: now,
  };
  const outbox = ctx.lifecycle.webhookTargets(type).map((target) => ({
    id: newId('message', now),
    event_id: eventId,
    kind: 'webhook',
    target,
    link: null,
    at: now,
    lease_until: null,
  }));
  await tx.execute(insertJoinLinkEvents([event], outbox));
}
