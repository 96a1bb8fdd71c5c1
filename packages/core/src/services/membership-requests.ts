import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  type MembershipRequest,
  type MembershipRequestStatus,
  membershipRequestNotPending,
  type OrganizationSuggestion,
  type SuggestionStatus,
  suggestionNotPending,
} from '../domain/organization-domains.js';
import type { Database } from '../storage/database.js';
import {
  memberships,
  organizationMembershipRequests as omr,
  organizations,
  organizationSuggestions as os,
  users,
} from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import type { Page, Paginated } from './listing.js';
import { checkMembershipQuota } from './membership-quota.js';
import { type ObjectEventSpec, recordObjectEvents } from './object-events.js';
import { publicUserColumns } from './public-user.js';

export interface ListSuggestionsInput extends Partial<Page> {
  statuses?: SuggestionStatus[];
}

export interface ListMembershipRequestsInput extends Partial<Page> {
  statuses?: MembershipRequestStatus[];
}

/**
 * Suggestions and membership requests (`automatic_suggestion` domains): a person accepts a suggestion,
 * which asks to join; an admin accepts the request (a membership with the default role, counted against
 * the membership quota in the same transaction) or rejects it.
 */
export class MembershipRequestsService {
  constructor(private readonly ctx: ServiceContext) {}

  /** A person's organization suggestions, newest first. */
  async listSuggestions(
    userId: string,
    input: ListSuggestionsInput = {},
  ): Promise<Paginated<OrganizationSuggestion>> {
    const where = and(
      eq(os.userId, userId),
      input.statuses?.length ? inArray(os.status, input.statuses) : undefined,
    );
    const [data, [total]] = await Promise.all([
      this.selectSuggestions()
        .where(where)
        .orderBy(desc(os.createdAt), desc(os.id))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.ctx.db.select({ n: count() }).from(os).where(where),
    ]);
    return { data, totalCount: total?.n ?? 0 };
  }

  /** Accepts one of the person's pending suggestions: it becomes a pending membership request. */
  async acceptSuggestion(suggestionId: string, userId: string): Promise<OrganizationSuggestion> {
    const now = this.ctx.now();
    const notify = await this.ctx.db.transaction(async (tx) => {
      const [accepted] = await tx
        .update(os)
        .set({ status: 'accepted', updatedAt: now })
        .where(and(eq(os.id, suggestionId), eq(os.userId, userId), eq(os.status, 'pending')))
        .returning({ organizationId: os.organizationId });
      if (!accepted) {
        const [current] = await tx
          .select({ status: os.status })
          .from(os)
          .where(and(eq(os.id, suggestionId), eq(os.userId, userId)));
        if (!current) throw notFound('organization suggestion', suggestionId);
        throw suggestionNotPending(current.status);
      }
      const id = newId('membershipRequest', now);
      const created = await tx
        .insert(omr)
        .values({
          organizationId: accepted.organizationId,
          id,
          userId,
          status: 'pending',
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: omr.id });
      if (created.length === 0) return false;
      return this.event(tx, accepted.organizationId, id, 'organizationMembershipRequest.created', now);
    });
    if (notify) this.ctx.onOutboxWrite?.();
    const [found] = await this.selectSuggestions().where(eq(os.id, suggestionId));
    return found!;
  }

  /** An organization's membership requests, newest first; 404 when the organization does not exist. */
  async list(
    organizationId: string,
    input: ListMembershipRequestsInput = {},
  ): Promise<Paginated<MembershipRequest>> {
    const where = and(
      eq(omr.organizationId, organizationId),
      input.statuses?.length ? inArray(omr.status, input.statuses) : undefined,
    );
    const [data, [total]] = await Promise.all([
      this.selectRequests(this.ctx.db)
        .where(where)
        .orderBy(desc(omr.createdAt), desc(omr.id))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.ctx.db.select({ n: count() }).from(omr).where(where),
    ]);
    if (!total?.n) {
      const [org] = await this.ctx.db
        .select({ id: organizations.id })
        .from(organizations)
        .where(eq(organizations.id, organizationId));
      if (!org) throw notFound('organization', organizationId);
    }
    return { data, totalCount: total?.n ?? 0 };
  }

  /**
   * Lets the person in, exactly once: the request turns accepted and the membership is created in one
   * transaction, after the membership quota is checked (403 organization_membership_quota_exceeded
   * leaves the request pending).
   */
  async accept(organizationId: string, requestId: string): Promise<MembershipRequest> {
    return this.decide(organizationId, requestId, 'accepted', async (tx, userId, now) => {
      await checkMembershipQuota(tx, organizationId, 1, now);
      await tx
        .insert(memberships)
        .values({
          organizationId,
          id: newId('membership', now),
          userId,
          role: this.ctx.roles.defaultKey(),
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing();
    });
  }

  async reject(organizationId: string, requestId: string): Promise<MembershipRequest> {
    return this.decide(organizationId, requestId, 'rejected', async () => {});
  }

  // ---- internals ----------------------------------------------------------------------------------

  private async decide(
    organizationId: string,
    requestId: string,
    status: 'accepted' | 'rejected',
    then: (tx: Database, userId: string, now: number) => Promise<void>,
  ): Promise<MembershipRequest> {
    const now = this.ctx.now();
    const notify = await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(omr)
        .set({ status, updatedAt: now })
        .where(and(eq(omr.organizationId, organizationId), eq(omr.id, requestId), eq(omr.status, 'pending')))
        .returning({ userId: omr.userId });
      if (!row) {
        const [current] = await tx
          .select({ status: omr.status })
          .from(omr)
          .where(and(eq(omr.organizationId, organizationId), eq(omr.id, requestId)));
        if (!current) throw notFound('organization membership request', requestId);
        throw membershipRequestNotPending(current.status, status);
      }
      await then(tx, row.userId, now);
      return this.event(tx, organizationId, requestId, `organizationMembershipRequest.${status}`, now);
    });
    if (notify) this.ctx.onOutboxWrite?.();
    return this.get(this.ctx.db, organizationId, requestId);
  }

  private async get(db: Database, organizationId: string, requestId: string): Promise<MembershipRequest> {
    const [found] = await this.selectRequests(db).where(
      and(eq(omr.organizationId, organizationId), eq(omr.id, requestId)),
    );
    if (!found) throw notFound('organization membership request', requestId);
    return found;
  }

  private async event(
    tx: Database,
    organizationId: string,
    requestId: string,
    type: ObjectEventSpec['type'],
    now: number,
  ): Promise<boolean> {
    if (this.ctx.lifecycle.webhookTargets(type).length === 0) return false;
    const subject = { membershipRequest: await this.get(tx, organizationId, requestId) };
    return (
      (await recordObjectEvents(
        tx,
        this.ctx.lifecycle,
        [{ subjectId: requestId, organizationId, type, subject }],
        now,
      )) > 0
    );
  }

  private selectSuggestions() {
    return this.ctx.db
      .select({
        id: os.id,
        organizationId: os.organizationId,
        userId: os.userId,
        status: sql<SuggestionStatus>`${os.status}`,
        organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
        createdAt: os.createdAt,
        updatedAt: os.updatedAt,
      })
      .from(os)
      .innerJoin(organizations, eq(organizations.id, os.organizationId));
  }

  private selectRequests(db: Database) {
    return db
      .select({
        id: omr.id,
        organizationId: omr.organizationId,
        status: sql<MembershipRequestStatus>`${omr.status}`,
        user: publicUserColumns(),
        createdAt: omr.createdAt,
        updatedAt: omr.updatedAt,
      })
      .from(omr)
      .innerJoin(users, eq(users.id, omr.userId));
  }
}
