import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { invalidParam, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { checkMetadata, type Metadata } from '../domain/metadata.js';
import type { Membership } from '../domain/models.js';
import { isForeignKeyViolation, isUniqueViolation } from '../domain/pg-errors.js';
import { type MembershipRow, memberships, organizations, users } from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import type { Page, Paginated } from './listing.js';
import { requireOrganization } from './organizations.js';
import { publicUserColumns, toPublicUser } from './public-user.js';

export interface CreateMembershipInput {
  userId: string;
  role: string;
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
}

export interface ListMembershipsInput extends Partial<Page> {
  userIds?: string[];
  roles?: string[];
  orderBy?: { field: 'created_at'; direction: 'asc' | 'desc' };
}

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
    const [created] = await this.query(
      and(eq(memberships.organizationId, organizationId), eq(memberships.id, row.id)),
    );
    return toMembership(created!);
  }

  async list(organizationId: string, input: ListMembershipsInput = {}): Promise<Paginated<Membership>> {
    const where = and(
      eq(memberships.organizationId, organizationId),
      input.userIds?.length ? inArray(memberships.userId, input.userIds) : undefined,
      input.roles?.length ? inArray(memberships.role, input.roles) : undefined,
    );
    const dir = input.orderBy?.direction === 'desc' ? desc : asc;
    const [data, [total]] = await Promise.all([
      this.query(where)
        .orderBy(dir(memberships.createdAt), dir(memberships.id))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.ctx.db.select({ total: count() }).from(memberships).where(where),
    ]);
    if (!total?.total) await requireOrganization(this.ctx.db, organizationId);
    return { data: data.map(toMembership), totalCount: total?.total ?? 0 };
  }

  private query(where: SQL | undefined) {
    return this.ctx.db
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
