import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { alreadyMember, InvitekitError, invalidParam, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  admittedEmail,
  JOIN_TOKEN_PARAM,
  type JoinLink,
  type JoinLinkPreview,
  JoinLinkRolePolicy,
  type JoinLinkUse,
  type JoinLinkUseStatus,
  joinLinkEmailNotAllowed,
  joinLinkNotActive,
  joinLinkStatus,
  joinLinkTokenInvalid,
  joinLinkUseNotPending,
  normalizeDomains,
} from '../domain/join-links.js';
import type { AuthenticatedUser } from '../domain/models.js';
import { membershipRequestAlreadyPending } from '../domain/organization-domains.js';
import { isForeignKeyViolation, isUniqueViolation } from '../domain/pg-errors.js';
import { DAY_MS } from '../domain/status.js';
import { issueToken, parseToken, secretMatches } from '../domain/tokens.js';
import type { Database } from '../storage/database.js';
import {
  organizationJoinLinks as jl,
  organizationJoinLinkUses as jlu,
  memberships,
  type OrganizationJoinLinkRow,
  type OrganizationJoinLinkUseRow,
  organizations,
} from '../storage/schema.js';
import { AccessService } from './access.js';
import type { ServiceContext } from './context.js';
import { type IdentitiesService, verifiedEmails } from './identities.js';
import { recordJoinLinkEvent, useFromRow } from './join-link-uses.js';
import type { Page, Paginated } from './listing.js';
import { checkMembershipQuota } from './membership-quota.js';
import type { MembershipRequestsService } from './membership-requests.js';

export { type JoinLinkWebhookType, joinLinkWebhookTypes } from './join-link-uses.js';

export interface CreateJoinLinkInput {
  role: string;
  /** Null or absent: unlimited. */
  maxUses?: number | null;
  /** Null or absent: never expires. */
  expiresInDays?: number | null;
  allowedEmailDomains?: string[] | null;
  requireApproval?: boolean | null;
  /** An admin of the organization. */
  createdBy: string;
}

/** A join: the use it recorded (`joined`, or `pending` approval) and the organization. */
export interface JoinResult {
  use: JoinLinkUse;
  organization: { id: string; name: string; slug: string };
}

const alreadyUsed = () =>
  new InvitekitError({
    code: 'duplicate_record',
    message: 'already used',
    longMessage: 'You have already used this join link',
    meta: { param_name: 'token' },
  });

/** Thrown inside a join's transaction when its conditional update matched nothing (rolls it back). */
class NoUseLeft extends Error {}

function fromRow(r: OrganizationJoinLinkRow, now: number, url: string | null = null): JoinLink {
  return {
    id: r.id,
    organizationId: r.organizationId,
    role: r.role,
    status: joinLinkStatus(r, now),
    maxUses: r.maxUses,
    usesCount: r.usesCount,
    allowedEmailDomains: r.allowedEmailDomains,
    requireApproval: r.requireApproval,
    createdBy: r.createdBy,
    expiresAt: r.expiresAt,
    revokedAt: r.revokedAt,
    url,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * Invitekit extension: shareable join links. Tokens are stored only as SHA-256 hashes (domain/tokens.ts).
 * Opening a link (preview) never uses it; a join is one transaction whose conditional UPDATE raises
 * `uses_count` only while it is below `max_uses`, so concurrent joins across processes never overshoot,
 * and which checks the membership quota (it locks the organization's row when a quota is set).
 */
export class JoinLinksService {
  private readonly policy: JoinLinkRolePolicy;
  private readonly access: AccessService;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly deps: { identities: IdentitiesService; membershipRequests: MembershipRequestsService },
  ) {
    this.policy = new JoinLinkRolePolicy(ctx.roles, ctx.lifecycle.joinLinks.maxRole);
    this.access = new AccessService(ctx);
  }

  /** The highest role a join link may grant. */
  get maxRole(): string {
    return this.policy.maxRole;
  }

  async create(organizationId: string, input: CreateJoinLinkInput): Promise<JoinLink> {
    const now = this.ctx.now();
    const role = this.ctx.roles.require(input.role).key;
    this.policy.check(role);
    const maxUses = input.maxUses ?? null;
    if (maxUses !== null && (!Number.isInteger(maxUses) || maxUses < 1)) {
      throw invalidParam('max_uses', 'max_uses must be a whole number ≥ 1, or null for unlimited');
    }
    const days = input.expiresInDays ?? null;
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > 365)) {
      throw invalidParam('expires_in_days', 'expires_in_days must be a whole number from 1 to 365');
    }
    const allowedEmailDomains = normalizeDomains(input.allowedEmailDomains);
    await this.access.requireAdmin(organizationId, input.createdBy, 'created_by');
    const id = newId('joinLink', now);
    const { token, hash } = issueToken(id);
    const [row] = await this.ctx.db
      .insert(jl)
      .values({
        organizationId,
        id,
        role,
        tokenHash: hash,
        maxUses,
        allowedEmailDomains,
        requireApproval: input.requireApproval ?? false,
        createdBy: input.createdBy,
        expiresAt: days === null ? null : now + days * DAY_MS,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const url = new URL(this.ctx.lifecycle.joinLinks.url ?? this.ctx.lifecycle.acceptUrl);
    url.searchParams.set(JOIN_TOKEN_PARAM, token);
    return fromRow(row!, now, url.toString());
  }

  async list(organizationId: string, page: Page): Promise<Paginated<JoinLink>> {
    await this.requireOrganization(organizationId);
    const now = this.ctx.now();
    const [rows, [total]] = await Promise.all([
      this.ctx.db
        .select()
        .from(jl)
        .where(eq(jl.organizationId, organizationId))
        .orderBy(desc(jl.createdAt), desc(jl.id))
        .limit(page.limit)
        .offset(page.offset),
      this.ctx.db.select({ n: count() }).from(jl).where(eq(jl.organizationId, organizationId)),
    ]);
    return { data: rows.map((r) => fromRow(r, now)), totalCount: total?.n ?? 0 };
  }

  async get(organizationId: string, joinLinkId: string): Promise<JoinLink> {
    const [row] = await this.ctx.db
      .select()
      .from(jl)
      .where(and(eq(jl.organizationId, organizationId), eq(jl.id, joinLinkId)));
    if (!row) throw notFound('join link', joinLinkId);
    return fromRow(row, this.ctx.now());
  }

  /** Revokes the link: nobody can join through it any more. `requestingUserId`, when given, must be an admin. */
  async revoke(
    organizationId: string,
    joinLinkId: string,
    opts: { requestingUserId?: string | null } = {},
  ): Promise<JoinLink> {
    if (opts.requestingUserId) {
      await this.access.requireAdmin(organizationId, opts.requestingUserId, 'requesting_user_id');
    }
    const now = this.ctx.now();
    const [row] = await this.ctx.db
      .update(jl)
      .set({ status: 'revoked', revokedAt: now, updatedAt: now })
      .where(and(eq(jl.organizationId, organizationId), eq(jl.id, joinLinkId), eq(jl.status, 'active')))
      .returning();
    if (row) return fromRow(row, now);
    const current = await this.get(organizationId, joinLinkId);
    throw joinLinkNotActive(current.status);
  }

  /** What a join link offers, for a join page shown before sign-in. Never uses it up. */
  async preview(token: string): Promise<JoinLinkPreview> {
    const { link, organization } = await this.resolve(token);
    return {
      joinLinkId: link.id,
      status: joinLinkStatus(link, this.ctx.now()),
      role: link.role,
      roleName: this.ctx.roles.name(link.role),
      organization,
      requireApproval: link.requireApproval,
      allowedEmailDomains: link.allowedEmailDomains,
      expiresAt: link.expiresAt,
    };
  }

  /**
   * Joins the organization through a link, as `user`, who needs a verified address (on an allowed
   * domain when the link names some). With approval required, records a pending request instead.
   */
  async join(token: string, user: AuthenticatedUser): Promise<JoinResult> {
    const { link, organization } = await this.resolve(token);
    const now = this.ctx.now();
    const status = joinLinkStatus(link, now);
    if (status !== 'active') throw joinLinkNotActive(status);
    const email = admittedEmail(verifiedEmails(user), link.allowedEmailDomains);
    if (!email) throw joinLinkEmailNotAllowed(link.allowedEmailDomains);
    const [member] = await this.ctx.db
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.organizationId, link.organizationId), eq(memberships.userId, user.id)));
    if (member) throw alreadyMember(organization);

    const pending = link.requireApproval;
    const useId = newId('joinLinkUse', now);
    const membershipId = pending ? null : newId('membership', now);
    const known = this.deps.identities.isKnown(user);
    const attempt = (syncUser: boolean) =>
      this.ctx.db.transaction(async (tx) => {
        if (syncUser) await this.deps.identities.sync(user, tx);
        const [taken] = await tx
          .update(jl)
          .set({ usesCount: sql`${jl.usesCount} + 1`, updatedAt: now })
          .where(
            and(
              eq(jl.organizationId, link.organizationId),
              eq(jl.id, link.id),
              eq(jl.status, 'active'),
              sql`(${jl.expiresAt} IS NULL OR ${jl.expiresAt} > ${now})`,
              sql`(${jl.maxUses} IS NULL OR ${jl.usesCount} < ${jl.maxUses})`,
            ),
          )
          .returning({ id: jl.id });
        if (!taken) throw new NoUseLeft();
        if (membershipId) {
          await checkMembershipQuota(tx, link.organizationId, 1, now);
          await tx.insert(memberships).values({
            organizationId: link.organizationId,
            id: membershipId,
            userId: user.id,
            role: link.role,
            createdAt: now,
            updatedAt: now,
          });
        }
        const [row] = await tx
          .insert(jlu)
          .values({
            organizationId: link.organizationId,
            id: useId,
            joinLinkId: link.id,
            userId: user.id,
            emailAddress: email,
            status: pending ? 'pending' : 'joined',
            membershipId,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        // Approval goes through the one membership-request mechanism: deciding the request settles this use.
        if (pending) {
          const request = { organizationId: link.organizationId, userId: user.id, role: link.role };
          const joinLink = { id: link.id, useId };
          if (!(await this.deps.membershipRequests.create(tx, { ...request, joinLink }, now))) {
            throw membershipRequestAlreadyPending(link.organizationId);
          }
        }
        await recordJoinLinkEvent(
          this.ctx,
          tx,
          pending ? 'joinLink.requested' : 'joinLink.joined',
          row!,
          link,
          organization,
          now,
        );
        return row!;
      });
    let use: OrganizationJoinLinkUseRow;
    try {
      // A user this process wrote recently may have been deleted since: then write them again, once.
      use = await attempt(!known).catch((err) => {
        if (!known || !isForeignKeyViolation(err)) throw err;
        this.deps.identities.forget(user);
        return attempt(true);
      });
    } catch (err) {
      if (err instanceof NoUseLeft) {
        const [current] = await this.ctx.db.select().from(jl).where(eq(jl.id, link.id));
        throw joinLinkNotActive(current ? joinLinkStatus(current, now) : 'revoked');
      }
      if (isUniqueViolation(err, 'organization_memberships_user_uidx')) throw alreadyMember(organization);
      if (isUniqueViolation(err, 'organization_join_link_uses_link_user_uidx')) throw alreadyUsed();
      throw err;
    }
    this.ctx.onOutboxWrite?.();
    return { use: useFromRow(use), organization };
  }

  /** Who used a link, and when: newest first. */
  async listUses(
    organizationId: string,
    joinLinkId: string,
    page: Page & { status?: JoinLinkUseStatus[] },
  ): Promise<Paginated<JoinLinkUse>> {
    await this.get(organizationId, joinLinkId);
    const where = and(
      eq(jlu.organizationId, organizationId),
      eq(jlu.joinLinkId, joinLinkId),
      page.status?.length ? inArray(jlu.status, page.status) : undefined,
    );
    const [rows, [total]] = await Promise.all([
      this.ctx.db
        .select()
        .from(jlu)
        .where(where)
        .orderBy(desc(jlu.createdAt), desc(jlu.id))
        .limit(page.limit)
        .offset(page.offset),
      this.ctx.db.select({ n: count() }).from(jlu).where(where),
    ]);
    return { data: rows.map(useFromRow), totalCount: total?.n ?? 0 };
  }

  /**
   * Approves a pending request: an alias of accepting its membership request (services/membership-requests.ts),
   * so the person becomes a member with the link's role, the quota applies now, and both requests' events
   * fire. Works after the link is revoked or expired: the request was made while it was valid.
   */
  async approve(
    organizationId: string,
    joinLinkId: string,
    useId: string,
    opts: { requestingUserId?: string | null } = {},
  ): Promise<JoinLinkUse> {
    return this.decide(organizationId, joinLinkId, useId, 'accepted', opts.requestingUserId ?? null);
  }

  /** Rejects a pending request (an alias of rejecting its membership request); its use is given back. */
  async reject(
    organizationId: string,
    joinLinkId: string,
    useId: string,
    opts: { requestingUserId?: string | null } = {},
  ): Promise<JoinLinkUse> {
    return this.decide(organizationId, joinLinkId, useId, 'rejected', opts.requestingUserId ?? null);
  }

  // ---- internals ----------------------------------------------------------------------------------

  private async decide(
    organizationId: string,
    joinLinkId: string,
    useId: string,
    status: 'accepted' | 'rejected',
    requestingUserId: string | null,
  ): Promise<JoinLinkUse> {
    if (requestingUserId)
      await this.access.requireAdmin(organizationId, requestingUserId, 'requesting_user_id');
    await this.get(organizationId, joinLinkId);
    const use = (db: Database) =>
      db
        .select()
        .from(jlu)
        .where(
          and(eq(jlu.organizationId, organizationId), eq(jlu.joinLinkId, joinLinkId), eq(jlu.id, useId)),
        );
    await this.deps.membershipRequests.decideJoinLinkUse(organizationId, joinLinkId, useId, status, {
      decidedBy: requestingUserId,
      // This route's own answers, as before the requests were unified.
      refused: async (tx) => {
        const [current] = await use(tx);
        if (!current) throw notFound('join link use', useId);
        throw joinLinkUseNotPending(current.status as JoinLinkUseStatus);
      },
    });
    const [decided] = await use(this.ctx.db);
    return useFromRow(decided!);
  }

  /**
   * The link a token names, once its secret matches the stored hash (constant time). Unknown, malformed
   * and mismatched tokens all answer 404 join_link_token_invalid. Revoked links keep their hash, so a
   * preview can say so.
   */
  private async resolve(token: string) {
    const parsed = typeof token === 'string' ? parseToken(token) : null;
    if (!parsed) throw joinLinkTokenInvalid();
    const [row] = await this.ctx.db
      .select({
        link: jl,
        organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
      })
      .from(jl)
      .innerJoin(organizations, eq(organizations.id, jl.organizationId))
      .where(eq(jl.id, parsed.invitationId));
    const matches = secretMatches(parsed.secret, row?.link.tokenHash ?? null);
    if (!row || !matches) throw joinLinkTokenInvalid();
    return row;
  }

  private async requireOrganization(organizationId: string): Promise<{ id: string; name: string }> {
    const [org] = await this.ctx.db
      .select({ id: organizations.id, name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, organizationId));
    if (!org) throw notFound('organization', organizationId);
    return org;
  }
}
