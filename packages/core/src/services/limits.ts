import { and, count, eq, gt, lt, min, sql } from 'drizzle-orm';
import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import { InvitekitError } from '../domain/errors.js';
import type { Database } from '../storage/database.js';
import { organizationInvitations as oi, organizations, rateLimits } from '../storage/schema.js';
import type { InvitationLimits } from './lifecycle-config.js';
import { statusFilter } from './listing.js';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** Safe defaults: each is a limit a normal team never meets, and an abuser meets quickly. 0 turns one off. */
export const defaultLimits: Required<InvitationLimits> = {
  maxPendingPerOrganization: 1000,
  maxPerInviterPerHour: 100,
  maxTokenRequestsPerClientPerMinute: 30,
};

/** The configured limits over the defaults; each must be a whole number, 0 meaning off. */
export function resolveLimits(limits: InvitationLimits = {}): Required<InvitationLimits> {
  const resolved = { ...defaultLimits };
  for (const key of Object.keys(defaultLimits) as (keyof InvitationLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`Invitekit: limits.${key} must be a whole number ≥ 0 (0 turns it off), got ${value}`);
    }
    resolved[key] = value;
  }
  return resolved;
}

/** 429 `too_many_requests`; `retry_after` (seconds, at least 1) becomes the `Retry-After` header. */
export const tooManyRequests = (
  longMessage: string,
  retryAfterMs: number,
  meta: { limit_name: string; limit: number },
) =>
  new InvitekitError({
    code: 'too_many_requests',
    message: 'Too many requests',
    longMessage,
    meta: { ...meta, retry_after: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
  });

/** Whether a create in an organization by this inviter (or none) is subject to any limit. */
export const invitationLimitsApply = (limits: Required<InvitationLimits>, inviterId: string | null) =>
  limits.maxPendingPerOrganization > 0 || (limits.maxPerInviterPerHour > 0 && inviterId !== null);

/**
 * Refuses new invitations beyond the organization's pending limit or an inviter's hourly limit in it (429
 * with `retry_after`), inside the create's transaction, so a refusal writes nothing. Exact under
 * concurrency, across processes: it first locks the organization's row, so creates in one organization
 * count one after another and each sees the rows the one before it committed. The hourly limit is a
 * sliding window over the invitations the inviter created in the last hour, whatever became of them.
 */
export async function checkInvitationLimits(
  tx: Database,
  limits: Required<InvitationLimits>,
  organizationId: string,
  rows: { inviterId: string | null }[],
  now: number,
): Promise<void> {
  if (!rows.some((r) => invitationLimitsApply(limits, r.inviterId))) return;
  // FOR NO KEY UPDATE: waits for other limited creates in this organization, not for the foreign-key checks
  // (KEY SHARE) of unlimited writes.
  await tx.execute(
    sql`SELECT 1 FROM ${organizations} WHERE ${organizations.id} = ${organizationId} FOR NO KEY UPDATE`,
  );

  const maxPending = limits.maxPendingPerOrganization;
  if (maxPending > 0) {
    const [pending] = await tx
      .select({ n: count(), soonest: min(oi.expiresAt) })
      .from(oi)
      .where(and(eq(oi.organizationId, organizationId), statusFilter(oi, ['pending'], now)));
    if ((pending?.n ?? 0) + rows.length > maxPending) {
      // A slot frees when a pending invitation is accepted or revoked, or at the latest when one expires.
      const soonest = pending?.soonest == null ? now : Number(pending.soonest);
      throw tooManyRequests(
        `Organization ${organizationId} may hold at most ${maxPending} pending invitations; revoke some or wait for them to be accepted or to expire`,
        soonest - now,
        { limit_name: 'pending_invitations_per_organization', limit: maxPending },
      );
    }
  }

  const perHour = limits.maxPerInviterPerHour;
  if (perHour === 0) return;
  const byInviter = new Map<string, number>();
  for (const r of rows) if (r.inviterId) byInviter.set(r.inviterId, (byInviter.get(r.inviterId) ?? 0) + 1);
  for (const [inviterId, adding] of byInviter) {
    const since = now - HOUR_MS;
    const [recent] = await tx
      .select({ n: count(), oldest: min(oi.createdAt) })
      .from(oi)
      .where(
        and(eq(oi.organizationId, organizationId), eq(oi.inviterId, inviterId), gt(oi.createdAt, since)),
      );
    const made = recent?.n ?? 0;
    if (made + adding > perHour) {
      // Waiting helps once enough of this hour's invitations leave the window: the oldest first.
      const [freeing] =
        made > 0 && adding <= perHour
          ? await tx
              .select({ at: oi.createdAt })
              .from(oi)
              .where(
                and(
                  eq(oi.organizationId, organizationId),
                  eq(oi.inviterId, inviterId),
                  gt(oi.createdAt, since),
                ),
              )
              .orderBy(oi.createdAt)
              .offset(made + adding - perHour - 1)
              .limit(1)
          : [{ at: recent?.oldest ?? now }];
      throw tooManyRequests(
        `User ${inviterId} may send at most ${perHour} invitations per hour in organization ${organizationId}`,
        Number(freeing?.at ?? now) + HOUR_MS - now,
        { limit_name: 'invitations_per_inviter_per_hour', limit: perHour },
      );
    }
  }
}

/**
 * A fixed-window limit per key (a client address), counted in the `rate_limits` table through
 * rate-limiter-flexible's Drizzle store: one atomic upsert per request, over the app's own database, so
 * every server process on one PostgreSQL shares the counts, and PGlite keeps them across restarts.
 */
export class KeyedRateLimiter {
  private readonly limiter: RateLimiterDrizzle | null;

  constructor(
    private readonly db: Database,
    private readonly name: string,
    private readonly points: number,
    durationMs: number,
  ) {
    this.limiter =
      points > 0
        ? new RateLimiterDrizzle({
            storeClient: db,
            schema: rateLimits,
            keyPrefix: name,
            points,
            duration: durationMs / 1000,
            // Expired rows are deleted by sweep(), which the host's background work runs and stops.
            clearExpiredByTimeout: false,
          })
        : null;
  }

  /** Counts one request for `key`; a 429 once the window's points are used up. */
  async consume(key: string, longMessage: string): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw tooManyRequests(longMessage, err.msBeforeNext, { limit_name: this.name, limit: this.points });
    }
  }

  /** Deletes windows that ended over a minute ago. */
  async sweep(now = Date.now()): Promise<void> {
    if (!this.limiter) return;
    await this.db.delete(rateLimits).where(lt(rateLimits.expire, new Date(now - MINUTE_MS)));
  }
}

/** The per-client-address limit on token preview and accept-by-token. */
export const tokenRequestLimiter = (db: Database, limits: Required<InvitationLimits>) =>
  new KeyedRateLimiter(db, 'token_requests_per_client', limits.maxTokenRequestsPerClientPerMinute, MINUTE_MS);
