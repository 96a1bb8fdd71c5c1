import { and, count, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
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
import { settleJoinLinkUse } from './join-link-uses.js';
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

/** A new pending request: from an accepted suggestion, or from a join link that requires approval. */
export interface NewMembershipRequest {
  organizationId: string;
  userId: string;
  /** Null or absent: the default role when accepted. */
  role?: string | null;
  joinLink?: { id: string; useId: string } | null;
}

export interface DecideOptions {
  /** The deciding admin (recorded as `decided_by`); the caller has checked they are one. */
  decidedBy?: string | null;
}

/** Which pending request a decision is about, and the 404/400 to answer when it is not pending. */
interface DecisionTarget {
  organizationId: string;
  where: SQL;
  refused: (tx: Database, action: 'accepted' | 'rejected') => Promise<never>;
}

/** What a decision wrote, for the caller to read back in the shape it answers with. */
export interface Decided {
  requestId: string;
  joinLinkUseId: string | null;
}

/**
 * Suggestions and membership requests: the one "asks to join, an admin decides" mechanism. A request comes
 * from an accepted suggestion (`automatic_suggestion` domains) or from a join through a link that requires
 * approval (services/join-links.ts, which records it in its own transaction through `create`). An admin
 * accepts it (a membership with the request's role, else the default role, counted against the membership
 * quota in the same transaction) or rejects it; a join link's use is settled in that same transaction.
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
      const created = await this.create(tx, { organizationId: accepted.organizationId, userId }, now);
      return created?.notify ?? false;
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
   * Records a pending request in the caller's transaction, with its `organizationMembershipRequest.created`
   * event. Null when the person already has a pending request for the organization (one at a time).
   */
  async create(
    tx: Database,
    input: NewMembershipRequest,
    now: number,
  ): Promise<{ id: string; notify: boolean } | null> {
    const id = newId('membershipRequest', now);
    const created = await tx
      .insert(omr)
      .values({
        organizationId: input.organizationId,
        id,
        userId: input.userId,
        status: 'pending',
        role: input.role ?? null,
        joinLinkId: input.joinLink?.id ?? null,
        joinLinkUseId: input.joinLink?.useId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: omr.id });
    if (created.length === 0) return null;
    const notify = await this.event(
      tx,
      input.organizationId,
      id,
      'organizationMembershipRequest.created',
      now,
    );
    return { id, notify };
  }

  /**
   * Lets the person in, exactly once: the request turns accepted and the membership is created in one
   * transaction, after the membership quota is checked (403 organization_membership_quota_exceeded
   * leaves the request pending).
   */
  async accept(
    organizationId: string,
    requestId: string,
    opts: DecideOptions = {},
  ): Promise<MembershipRequest> {
    await this.decide(this.byId(organizationId, requestId), 'accepted', opts);
    return this.get(this.ctx.db, organizationId, requestId);
  }

  async reject(
    organizationId: string,
    requestId: string,
    opts: DecideOptions = {},
  ): Promise<MembershipRequest> {
    await this.decide(this.byId(organizationId, requestId), 'rejected', opts);
    return this.get(this.ctx.db, organizationId, requestId);
  }

  /**
   * Decides the request a join link's use made (the join-link approve/reject routes): the same decision
   * as accept/reject, found by the use; `refused` answers when there is no pending request for it.
   */
  async decideJoinLinkUse(
    organizationId: string,
    joinLinkId: string,
    useId: string,
    status: 'accepted' | 'rejected',
    opts: DecideOptions & { refused: DecisionTarget['refused'] },
  ): Promise<Decided> {
    const where = and(
      eq(omr.organizationId, organizationId),
      eq(omr.joinLinkId, joinLinkId),
      eq(omr.joinLinkUseId, useId),
    )!;
    return this.decide({ organizationId, where, refused: opts.refused }, status, opts);
  }

  // ---- internals ----------------------------------------------------------------------------------

  private byId(organizationId: string, requestId: string): DecisionTarget {
    const where = and(eq(omr.organizationId, organizationId), eq(omr.id, requestId))!;
    return {
      organizationId,
      where,
      refused: async (tx, action) => {
        const [current] = await tx.select({ status: omr.status }).from(omr).where(where);
        if (!current) throw notFound('organization membership request', requestId);
        throw membershipRequestNotPending(current.status, action);
      },
    };
  }

  /**
   * The one decision, whichever flow made the request: a conditional update (`pending` only, so two
   * admins deciding at once decide once), then on acceptance the quota check and the membership with the
   * request's role (default role when it names none), then the join link's use when a link made it,
   * and the events, all in one transaction.
   */
  private async decide(
    target: DecisionTarget,
    status: 'accepted' | 'rejected',
    opts: DecideOptions,
  ): Promise<Decided> {
    const { organizationId } = target;
    const now = this.ctx.now();
    const decidedBy = opts.decidedBy ?? null;
    const { decided, notify } = await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(omr)
        .set({ status, decidedBy, decidedAt: now, updatedAt: now })
        .where(and(target.where, eq(omr.status, 'pending')))
        .returning({
          id: omr.id,
          userId: omr.userId,
          role: omr.role,
          joinLinkId: omr.joinLinkId,
          joinLinkUseId: omr.joinLinkUseId,
        });
      if (!row) return target.refused(tx, status);
      const membershipId =
        status === 'accepted' ? await this.admit(tx, organizationId, row.userId, row.role, now) : null;
      if (row.joinLinkId && row.joinLinkUseId) {
        await settleJoinLinkUse(this.ctx, tx, {
          organizationId,
          joinLinkId: row.joinLinkId,
          useId: row.joinLinkUseId,
          outcome: status === 'accepted' ? 'joined' : 'rejected',
          membershipId,
          decidedBy,
          now,
        });
      }
      const evented = await this.event(
        tx,
        organizationId,
        row.id,
        `organizationMembershipRequest.${status}`,
        now,
      );
      return {
        decided: { requestId: row.id, joinLinkUseId: row.joinLinkUseId },
        notify: evented || row.joinLinkUseId !== null,
      };
    });
    if (notify) this.ctx.onOutboxWrite?.();
    return decided;
  }

  /**
   * The person's membership, counted against the quota. Someone who became a member meanwhile (an
   * invitation) keeps their membership: the request is settled by it, and the quota is not asked again.
   */
  private async admit(
    tx: Database,
    organizationId: string,
    userId: string,
    role: string | null,
    now: number,
  ): Promise<string> {
    const existing = async () => {
      const [m] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
      return m?.id ?? null;
    };
    const already = await existing();
    if (already) return already;
    await checkMembershipQuota(tx, organizationId, 1, now);
    const [created] = await tx
      .insert(memberships)
      .values({
        organizationId,
        id: newId('membership', now),
        userId,
        role: role ?? this.ctx.roles.defaultKey(),
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: memberships.id });
    return created?.id ?? (await existing())!;
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
        role: omr.role,
        joinLinkId: omr.joinLinkId,
        joinLinkUseId: omr.joinLinkUseId,
        decidedBy: omr.decidedBy,
        decidedAt: omr.decidedAt,
        createdAt: omr.createdAt,
        updatedAt: omr.updatedAt,
      })
      .from(omr)
      .innerJoin(users, eq(users.id, omr.userId));
  }
}
