import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import type { InvitationStatus } from '../domain/status.js';
import type { Database } from '../storage/database.js';
import { organizationInvitationCounts as counts, organizationInvitations as oi } from '../storage/schema.js';

/**
 * The exact number of one organization's listed invitations (automatic ones excluded) with any of
 * `statuses` (all when empty), from organization_invitation_counts instead of a count over the rows: the
 * counters hold stored statuses, so pending rows past `expires_at` (expired by time, not yet swept) move
 * from pending to expired here, counted index-only in organization_invitations_pending_expiry_idx.
 */
export async function countOrganizationInvitations(
  db: Database,
  organizationId: string,
  statuses: readonly InvitationStatus[],
  now: number,
): Promise<number> {
  const wanted = new Set(statuses);
  const columns = wanted.size === 0 ? [counts.total] : [...wanted].map((status) => counts[status]);
  const stored = sql`coalesce(sum(${sql.join(columns, sql` + `)}), 0)`;
  const lapsedSign = wanted.has('pending') === wanted.has('expired') ? 0 : wanted.has('expired') ? 1 : -1;
  const lapsed = sql`(SELECT count(*) FROM ${oi} WHERE ${and(
    eq(oi.status, 'pending'),
    lte(oi.expiresAt, now),
    // As organization_invitations_pending_expiry_idx holds it (see schema.ts).
    sql`(${oi.organizationId} || '') = ${organizationId}`,
    isNull(oi.organizationDomainId),
  )})`;
  const total = lapsedSign === 0 ? stored : sql`${stored} ${sql.raw(lapsedSign > 0 ? '+' : '-')} ${lapsed}`;
  const [row] = await db
    .select({ n: sql`(${total})::int`.mapWith(Number) })
    .from(counts)
    .where(eq(counts.organizationId, organizationId));
  return row?.n ?? 0;
}
