import { and, count, eq, sql } from 'drizzle-orm';
import { membershipQuotaExceeded } from '../domain/errors.js';
import type { Database } from '../storage/database.js';
import { memberships, organizationInvitations as oi, organizations } from '../storage/schema.js';
import { statusFilter } from './listing.js';

/**
 * Clerk's `max_allowed_memberships` (0 = no limit): members and pending invitations together may not pass
 * it, so `adding` new invitations must fit (403 `organization_membership_quota_exceeded`). Exact under
 * concurrency: run inside the transaction that inserts; with a quota set, the organization's row is locked
 * first, so concurrent creates for one organization count one after another.
 */
export async function checkMembershipQuota(
  tx: Database,
  organizationId: string,
  adding: number,
  now: number,
): Promise<void> {
  const [org] = await tx
    .select({ max: organizations.maxAllowedMemberships })
    .from(organizations)
    .where(and(eq(organizations.id, organizationId), sql`${organizations.maxAllowedMemberships} > 0`))
    .for('update');
  if (!org) return;
  const [[members], [pending]] = await Promise.all([
    tx.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, organizationId)),
    tx
      .select({ n: count() })
      .from(oi)
      .where(and(eq(oi.organizationId, organizationId), statusFilter(oi, ['pending'], now))),
  ]);
  if ((members?.n ?? 0) + (pending?.n ?? 0) + adding > org.max) throw membershipQuotaExceeded(org.max);
}
