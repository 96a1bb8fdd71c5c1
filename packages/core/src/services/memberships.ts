import { and, asc, count, desc, eq, gt, inArray, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { normalizeEmail } from '../domain/email.js';
import { InvitekitError, invalidParam, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { checkMetadata, type Metadata, mergeMetadata } from '../domain/metadata.js';
import type { Membership } from '../domain/models.js';
import { isForeignKeyViolation, isUniqueViolation } from '../domain/pg-errors.js';
import type { Database } from '../storage/database.js';
import { emailAddresses, type MembershipRow, memberships, organizations, users } from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import { likePattern, type Page, type Paginated } from './listing.js';
import { requireOrganization } from './organizations.js';
import { primaryEmailOf, publicUserColumns, toPublicUser } from './public-user.js';

export interface CreateMembershipInput {
  userId: string;
  role: string;
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
}

/**
 * Clerk's membership orderings. Invitekit's users have no phone numbers or usernames, so ordering by
 * those falls through to the creation time, as ordering by an all-null column does.
 */
export type MembershipOrderField =
  | 'created_at'
  | 'email_address'
  | 'first_name'
  | 'last_name'
  | 'phone_number'
  | 'username';

export interface MembershipFilter {
  userIds?: string[];
  roles?: string[];
  emailAddresses?: string[];
  /** Exact user id, or a substring of the member's email address or name. */
  query?: string;
  emailAddressQuery?: string;
  nameQuery?: string;
  createdAtBefore?: number;
  createdAtAfter?: number;
  /**
   * A filter on identifiers Invitekit's users never have (phone numbers, usernames, web3 wallets) was
   * given: nothing matches, as in a Clerk instance where no user has one.
   */
  matchNone?: boolean;
}

export interface ListMembershipsInput extends Partial<Page>, MembershipFilter {
  /** Default: oldest first. The Backend API route asks for Clerk's default, newest first. */
  orderBy?: { field: MembershipOrderField; direction: 'asc' | 'desc' };
}

export interface UpdateMembershipMetadataInput {
  /** Deep-merged into the stored value; `null` removes a key. */
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
}

/** The last member who may administer the organization cannot be removed or demoted (Clerk's rule). */
const lastAdmin = (organizationId: string) =>
  new InvitekitError({
    code: 'organization_minimum_permissions_needed',
    message: 'minimum organization permissions needed',
    longMessage: `There has to be at least one member of organization ${organizationId} with the minimum required permissions (an admin)`,
    meta: { organization_id: organizationId },
  });

const membershipNotFound = (organizationId: string, userId: string) =>
  new InvitekitError({
    code: 'resource_not_found',
    message: 'not found',
    longMessage: `User ${userId} is not a member of organization ${organizationId}`,
    meta: { organization_id: organizationId, user_id: userId },
  });

/** Who belongs to an organization, with which role. */
export class MembershipsService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(organizationId: string, input: CreateMembershipInput): Promise<Membership> {
    const now = this.ctx.now();
    const row = {
      organizationId,
      id: newId('membership', now),
      userId: input.userId,
      role: this.ctx.roles.require(input.role).key,
      publicMetadata: checkMetadata(input.publicMetadata, 'public_metadata'),
      privateMetadata: checkMetadata(input.privateMetadata, 'private_metadata'),
      createdAt: now,
      updatedAt: now,
    } satisfies MembershipRow;
    try {
      await this.ctx.db.insert(memberships).values(row);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw invalidParam(
          'user_id',
          `User ${input.userId} is already a member of organization ${organizationId}`,
          'already_a_member_in_organization',
        );
      }
      if (isForeignKeyViolation(err)) {
        await requireOrganization(this.ctx.db, organizationId);
        throw notFound('user', input.userId);
      }
      throw err;
    }
    return this.load(this.ctx.db, organizationId, input.userId) as Promise<Membership>;
  }

  /** An organization's memberships; 404 when the organization does not exist. */
  async list(organizationId: string, input: ListMembershipsInput = {}): Promise<Paginated<Membership>> {
    const page = await this.page(eq(memberships.organizationId, organizationId), input);
    if (page.totalCount === 0) await requireOrganization(this.ctx.db, organizationId);
    return page;
  }

  /** Every membership of the instance (Clerk's `GET /organization_memberships`). */
  listInstance(input: ListMembershipsInput = {}): Promise<Paginated<Membership>> {
    return this.page(undefined, input);
  }

  /** A user's memberships, newest first; 404 when the user does not exist. */
  async listForUser(userId: string, page: Partial<Page> = {}): Promise<Paginated<Membership>> {
    const result = await this.page(eq(memberships.userId, userId), {
      ...page,
      orderBy: { field: 'created_at', direction: 'desc' },
    });
    if (result.totalCount === 0) {
      const [user] = await this.ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
      if (!user) throw notFound('user', userId);
    }
    return result;
  }

  /** Changes a member's role. Demoting the organization's last admin is refused. */
  async updateRole(organizationId: string, userId: string, role: string): Promise<Membership> {
    const key = this.ctx.roles.require(role).key;
    return this.ctx.db.transaction(async (tx) => {
      const current = await this.lockMembership(tx, organizationId, userId);
      if (this.ctx.roles.isAdmin(current.role) && !this.ctx.roles.isAdmin(key)) {
        await this.requireAnotherAdmin(tx, organizationId, userId);
      }
      await tx
        .update(memberships)
        .set({ role: key, updatedAt: this.ctx.now() })
        .where(and(eq(memberships.organizationId, organizationId), eq(memberships.id, current.id)));
      return (await this.load(tx, organizationId, userId))!;
    });
  }

  /** Deep-merges metadata into a membership (Clerk's `PATCH …/memberships/{user_id}/metadata`). */
  async updateMetadata(
    organizationId: string,
    userId: string,
    input: UpdateMembershipMetadataInput,
  ): Promise<Membership> {
    return this.ctx.db.transaction(async (tx) => {
      const current = await this.lockMembership(tx, organizationId, userId);
      const set: Partial<MembershipRow> = { updatedAt: this.ctx.now() };
      if (input.publicMetadata) {
        set.publicMetadata = checkMetadata(
          mergeMetadata(current.publicMetadata, input.publicMetadata),
          'public_metadata',
        );
      }
      if (input.privateMetadata) {
        set.privateMetadata = checkMetadata(
          mergeMetadata(current.privateMetadata, input.privateMetadata),
          'private_metadata',
        );
      }
      await tx
        .update(memberships)
        .set(set)
        .where(and(eq(memberships.organizationId, organizationId), eq(memberships.id, current.id)));
      return (await this.load(tx, organizationId, userId))!;
    });
  }

  /**
   * Removes a member and returns the membership as it was, as Clerk does. Removing the organization's
   * last admin is refused. Invitations the member sent stay as they are (see `keepInvitationsOfFormerAdmins`).
   */
  async delete(organizationId: string, userId: string): Promise<Membership> {
    return this.ctx.db.transaction(async (tx) => {
      const current = await this.lockMembership(tx, organizationId, userId);
      if (this.ctx.roles.isAdmin(current.role)) await this.requireAnotherAdmin(tx, organizationId, userId);
      const before = (await this.load(tx, organizationId, userId))!;
      await tx
        .delete(memberships)
        .where(and(eq(memberships.organizationId, organizationId), eq(memberships.id, current.id)));
      return before;
    });
  }

  /**
   * Locks the organization's row, so changes that lower its admin count run one at a time (two
   * concurrent demotions cannot both see the other admin), and returns the member's row.
   */
  private async lockMembership(tx: Database, organizationId: string, userId: string) {
    const [org] = await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .for('update');
    if (!org) throw notFound('organization', organizationId);
    const [row] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
    if (!row) throw membershipNotFound(organizationId, userId);
    return row;
  }

  private async requireAnotherAdmin(tx: Database, organizationId: string, userId: string) {
    const [other] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(
        and(
          eq(memberships.organizationId, organizationId),
          ne(memberships.userId, userId),
          inArray(memberships.role, this.ctx.roles.adminKeys()),
        ),
      )
      .limit(1);
    if (!other) throw lastAdmin(organizationId);
  }

  private async page(scope: SQL | undefined, input: ListMembershipsInput): Promise<Paginated<Membership>> {
    if (input.matchNone) return { data: [], totalCount: 0 };
    const where = and(scope, this.filter(input));
    const [data, [total]] = await Promise.all([
      this.query(this.ctx.db, where)
        .orderBy(...this.order(input.orderBy))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.ctx.db
        .select({ total: count() })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(where),
    ]);
    return { data: data.map(toMembership), totalCount: total?.total ?? 0 };
  }

  private filter(f: MembershipFilter): SQL | undefined {
    const emails = f.emailAddresses?.map((e) => normalizeEmail(e));
    const query = f.query?.trim();
    const emailOf = (pattern: string) =>
      inArray(
        memberships.userId,
        this.ctx.db
          .select({ id: emailAddresses.userId })
          .from(emailAddresses)
          .where(sql`${emailAddresses.emailAddress} ilike ${pattern}`),
      );
    const nameLike = (q: string) =>
      or(
        sql`${users.firstName} ilike ${likePattern(q)}`,
        sql`${users.lastName} ilike ${likePattern(q)}`,
        sql`concat_ws(' ', ${users.firstName}, ${users.lastName}) ilike ${likePattern(q)}`,
      );
    return and(
      f.userIds?.length ? inArray(memberships.userId, f.userIds) : undefined,
      f.roles?.length ? inArray(memberships.role, f.roles) : undefined,
      emails?.length
        ? inArray(
            memberships.userId,
            this.ctx.db
              .select({ id: emailAddresses.userId })
              .from(emailAddresses)
              .where(inArray(emailAddresses.emailAddress, emails)),
          )
        : undefined,
      query
        ? or(eq(memberships.userId, query), nameLike(query), emailOf(likePattern(query.toLowerCase())))
        : undefined,
      f.emailAddressQuery ? emailOf(likePattern(f.emailAddressQuery.toLowerCase())) : undefined,
      f.nameQuery ? nameLike(f.nameQuery) : undefined,
      f.createdAtBefore !== undefined ? lt(memberships.createdAt, f.createdAtBefore) : undefined,
      f.createdAtAfter !== undefined ? gt(memberships.createdAt, f.createdAtAfter) : undefined,
    );
  }

  private order(orderBy: ListMembershipsInput['orderBy']): SQL[] {
    const dir = orderBy?.direction === 'desc' ? desc : asc;
    const column =
      orderBy?.field === 'email_address'
        ? primaryEmailOf()
        : orderBy?.field === 'first_name'
          ? users.firstName
          : orderBy?.field === 'last_name'
            ? users.lastName
            : undefined;
    const tail = [dir(memberships.createdAt), dir(memberships.id)];
    return column ? [dir(column), ...tail] : tail;
  }

  private async load(db: Database, organizationId: string, userId: string): Promise<Membership | undefined> {
    const [row] = await this.query(
      db,
      and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)),
    );
    return row && toMembership(row);
  }

  private query(db: Database, where: SQL | undefined) {
    return db
      .select({ membership: memberships, organization: organizations, user: publicUserColumns() })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(where)
      .$dynamic();
  }
}

type MembershipJoinRow = Awaited<ReturnType<MembershipsService['query']>>[number];

function toMembership(r: MembershipJoinRow): Membership {
  return {
    id: r.membership.id,
    organization: r.organization,
    user: toPublicUser(r.user)!,
    role: r.membership.role,
    publicMetadata: r.membership.publicMetadata,
    privateMetadata: r.membership.privateMetadata,
    createdAt: r.membership.createdAt,
    updatedAt: r.membership.updatedAt,
  };
}
