import { and, count, eq, gt, min } from 'drizzle-orm';
import { InvitekitError } from '../domain/errors.js';
import type { Database } from '../storage/database.js';
import { organizationInvitations as oi } from '../storage/schema.js';
import type { InvitationLimits } from './lifecycle-config.js';
import { statusFilter } from './listing.js';

const HOUR_MS = 60 * 60 * 1000;

const tooMany = (longMessage: string, retryAfterSeconds: number | null, meta: Record<string, unknown>) =>
  new InvitekitError({
    code: 'too_many_requests',
    message: 'too many requests',
    longMessage,
    meta: { ...meta, ...(retryAfterSeconds !== null ? { retry_after: retryAfterSeconds } : {}) },
  });

/**
 * Refuses new invitations beyond the organization's pending limit or an inviter's hourly limit (429, with
 * `meta.retry_after` in seconds when waiting helps). A soft limit: concurrent creates may overshoot it by
 * the few that counted at the same moment.
 */
export async function checkInvitationLimits(
  db: Database,
  limits: InvitationLimits,
  organization: { id: string; name: string },
  rows: { inviterId: string | null }[],
  now: number,
): Promise<void> {
  const organizationId = organization.id;
  if (limits.maxPendingPerOrganization) {
    const [pending] = await db
      .select({ n: count() })
      .from(oi)
      .where(and(eq(oi.organizationId, organizationId), statusFilter(oi, ['pending'], now)));
    if ((pending?.n ?? 0) + rows.length > limits.maxPendingPerOrganization) {
      throw tooMany(
        `${organization.name} may hold at most ${limits.maxPendingPerOrganization} pending invitations; revoke some or wait for them to be accepted`,
        null,
        { limit: limits.maxPendingPerOrganization },
      );
    }
  }
  const perHour = limits.maxPerInviterPerHour;
  if (!perHour) return;
  const byInviter = new Map<string, number>();
  for (const r of rows) if (r.inviterId) byInviter.set(r.inviterId, (byInviter.get(r.inviterId) ?? 0) + 1);
  for (const [inviterId, adding] of byInviter) {
    const [recent] = await db
      .select({ n: count(), oldest: min(oi.createdAt) })
      .from(oi)
      .where(
        and(
          eq(oi.organizationId, organizationId),
          eq(oi.inviterId, inviterId),
          gt(oi.createdAt, now - HOUR_MS),
        ),
      );
    if ((recent?.n ?? 0) + adding > perHour) {
      const oldest = recent?.oldest ?? now;
      throw tooMany(
        `User ${inviterId} may send at most ${perHour} invitations per hour in ${organization.name}`,
        Math.max(1, Math.ceil((Number(oldest) + HOUR_MS - now) / 1000)),
        { limit: perHour },
      );
    }
  }
}
