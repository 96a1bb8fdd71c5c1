import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, notInArray, or, sql } from 'drizzle-orm';
import { InvitekitError, invalidParam, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { checkLocale } from '../domain/locale.js';
import { checkMetadata, type Metadata, mergeMetadata } from '../domain/metadata.js';
import type { DeletedObject, Organization } from '../domain/models.js';
import { isForeignKeyViolation, isUniqueViolation } from '../domain/pg-errors.js';
import type { Database } from '../storage/database.js';
import {
  memberships,
  type OrganizationRow,
  organizationInvitations,
  organizations,
} from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import { recordEvents } from './effects.js';
import { likePattern, type Page, type Paginated, signedIds, statusFilter } from './listing.js';

export interface CreateOrganizationInput {
  name: string;
  /** Lower-case letters, digits and dashes; derived from the name when absent. */
  slug?: string | null;
  /** This user becomes the organization's first admin. */
  createdBy?: string | null;
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
  maxAllowedMemberships?: number | null;
  /** Invitekit extension: the default BCP 47 locale of its invitations. */
  locale?: string | null;
}

export interface UpdateOrganizationInput {
  name?: string | null;
  slug?: string | null;
  maxAllowedMemberships?: number | null;
  adminDeleteEnabled?: boolean | null;
  /** Invitekit extension: the default locale of its invitations; null leaves it, `''` clears it. */
  locale?: string | null;
}

export interface ListOrganizationsInput extends Partial<Page> {
  /** Exact id, or a substring of the name or slug. */
  query?: string;
  /** Clerk's `+id` (include, also without a sign) and `-id` (exclude) lists. */
  organizationIds?: string[];
  /** Organizations with (`+user_…`) or without (`-user_…`) these members. */
  userIds?: string[];
  includeMembersCount?: boolean;
  orderBy?: { field: 'created_at' | 'name' | 'members_count'; direction: 'asc' | 'desc' };
}

export interface OrganizationMetadataInput {
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
}

/** Members of an organization, as a correlated subquery over `organizations`. */
const membersCountOf = () =>
  sql<number>`(select count(*)::int from ${memberships} where ${memberships.organizationId} = ${organizations.id})`;

const creatorNotFound = (userId: string) =>
  new InvitekitError({
    code: 'organization_creator_not_found',
    message: 'creator not found',
    longMessage: `No users found with id ${userId}.`,
    meta: { param_name: 'created_by' },
  });

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return `${base || 'org'}-${randomBytes(3).toString('hex')}`;
}

function checkSlug(slug: string): string {
  if (!SLUG.test(slug) || slug.length > 64) {
    throw invalidParam(
      'slug',
      'A slug may contain only lower-case letters, digits and single dashes (64 at most)',
    );
  }
  return slug;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 256) {
    throw invalidParam('name', 'The name must be 1 to 256 characters long');
  }
  return trimmed;
}

/** Throws 404 unless the organization exists; for reads that found nothing and must say why. */
export async function requireOrganization(db: Database, organizationId: string): Promise<void> {
  const [org] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  if (!org) throw notFound('organization', organizationId);
}

const slugTaken = (slug: string) =>
  invalidParam('slug', `The slug ${slug} is taken`, 'form_identifier_exists');

/** Organizations, the tenants that invitations lead into. */
export class OrganizationsService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(input: CreateOrganizationInput): Promise<Organization> {
    const now = this.ctx.now();
    const row = {
      id: newId('organization', now),
      name: checkName(input.name),
      slug: input.slug ? checkSlug(input.slug) : slugify(input.name),
      createdBy: input.createdBy ?? null,
      maxAllowedMemberships: input.maxAllowedMemberships ?? 0,
      adminDeleteEnabled: true,
      locale: checkLocale(input.locale),
      publicMetadata: checkMetadata(input.publicMetadata, 'public_metadata'),
      privateMetadata: checkMetadata(input.privateMetadata, 'private_metadata'),
      createdAt: now,
      updatedAt: now,
    } satisfies OrganizationRow;
    const adminRole = this.ctx.roles.adminKeys()[0]!;
    try {
      await this.ctx.db.transaction(async (tx) => {
        await tx.insert(organizations).values(row);
        if (row.createdBy) {
          await tx.insert(memberships).values({
            organizationId: row.id,
            id: newId('membership', now),
            userId: row.createdBy,
            role: adminRole,
            createdAt: now,
            updatedAt: now,
          });
        }
      });
    } catch (err) {
      if (isUniqueViolation(err, 'organizations_slug_uidx')) throw slugTaken(row.slug);
      if (isForeignKeyViolation(err)) throw creatorNotFound(row.createdBy ?? '');
      throw err;
    }
    return row;
  }

  /** By id or by slug, as Clerk's endpoint accepts either. */
  async get(idOrSlug: string, options: { includeMembersCount?: boolean } = {}): Promise<Organization> {
    const [row] = await this.ctx.db
      .select()
      .from(organizations)
      .where(or(eq(organizations.id, idOrSlug), eq(organizations.slug, idOrSlug)))
      .limit(1);
    if (!row) throw notFound('organization', idOrSlug);
    return options.includeMembersCount ? (await this.withMembersCount([row]))[0]! : row;
  }

  async list(input: ListOrganizationsInput = {}): Promise<Paginated<Organization>> {
    const query = input.query?.trim();
    const orgIds = signedIds(input.organizationIds);
    const userIds = signedIds(input.userIds);
    const orgsOf = (ids: string[]) =>
      this.ctx.db
        .select({ id: memberships.organizationId })
        .from(memberships)
        .where(inArray(memberships.userId, ids));
    const where = and(
      query
        ? or(
            eq(organizations.id, query),
            sql`${organizations.name} ilike ${likePattern(query)}`,
            sql`${organizations.slug} ilike ${likePattern(query)}`,
          )
        : undefined,
      orgIds.include.length ? inArray(organizations.id, orgIds.include) : undefined,
      orgIds.exclude.length ? notInArray(organizations.id, orgIds.exclude) : undefined,
      userIds.include.length ? inArray(organizations.id, orgsOf(userIds.include)) : undefined,
      userIds.exclude.length ? notInArray(organizations.id, orgsOf(userIds.exclude)) : undefined,
    );
    const dir = input.orderBy?.direction === 'asc' ? asc : desc;
    const field = input.orderBy?.field;
    const order =
      field === 'name' ? [dir(organizations.name)] : field === 'members_count' ? [dir(membersCountOf())] : [];
    const [rows, [total]] = await Promise.all([
      this.ctx.db
        .select()
        .from(organizations)
        .where(where)
        .orderBy(...order, dir(organizations.createdAt), dir(organizations.id))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.ctx.db.select({ total: count() }).from(organizations).where(where),
    ]);
    const data = input.includeMembersCount ? await this.withMembersCount(rows) : rows;
    return { data, totalCount: total?.total ?? 0 };
  }

  /** Deep-merges metadata (Clerk's `PATCH /organizations/{id}/metadata`); `null` removes a key. */
  mergeMetadata(organizationId: string, input: OrganizationMetadataInput): Promise<Organization> {
    return this.writeMetadata(organizationId, input, mergeMetadata);
  }

  /** Replaces each given metadata object whole (Clerk's `PUT /organizations/{id}/metadata`). */
  replaceMetadata(organizationId: string, input: OrganizationMetadataInput): Promise<Organization> {
    return this.writeMetadata(organizationId, input, (_current, next) => next);
  }

  private async writeMetadata(
    organizationId: string,
    input: OrganizationMetadataInput,
    combine: (current: Metadata, next: Metadata) => Metadata,
  ): Promise<Organization> {
    return this.ctx.db.transaction(async (tx) => {
      const [current] = await tx
        .select()
        .from(organizations)
        .where(eq(organizations.id, organizationId))
        .for('update');
      if (!current) throw notFound('organization', organizationId);
      const set: Partial<OrganizationRow> = { updatedAt: this.ctx.now() };
      if (input.publicMetadata !== undefined) {
        set.publicMetadata = checkMetadata(
          combine(current.publicMetadata, input.publicMetadata ?? {}),
          'public_metadata',
        );
      }
      if (input.privateMetadata !== undefined) {
        set.privateMetadata = checkMetadata(
          combine(current.privateMetadata, input.privateMetadata ?? {}),
          'private_metadata',
        );
      }
      const [row] = await tx
        .update(organizations)
        .set(set)
        .where(eq(organizations.id, organizationId))
        .returning();
      return row!;
    });
  }

  private async withMembersCount(rows: OrganizationRow[]): Promise<Organization[]> {
    if (rows.length === 0) return rows;
    const counts = await this.ctx.db
      .select({ id: memberships.organizationId, n: count() })
      .from(memberships)
      .where(
        inArray(
          memberships.organizationId,
          rows.map((r) => r.id),
        ),
      )
      .groupBy(memberships.organizationId);
    const byId = new Map(counts.map((c) => [c.id, c.n]));
    return rows.map((r) => ({ ...r, membersCount: byId.get(r.id) ?? 0 }));
  }

  async update(organizationId: string, input: UpdateOrganizationInput): Promise<Organization> {
    const set: Partial<OrganizationRow> = { updatedAt: this.ctx.now() };
    if (input.name != null) set.name = checkName(input.name);
    if (input.slug != null) set.slug = checkSlug(input.slug);
    if (input.maxAllowedMemberships != null) set.maxAllowedMemberships = input.maxAllowedMemberships;
    if (input.adminDeleteEnabled != null) set.adminDeleteEnabled = input.adminDeleteEnabled;
    if (input.locale != null) set.locale = input.locale === '' ? null : checkLocale(input.locale);
    try {
      const [row] = await this.ctx.db
        .update(organizations)
        .set(set)
        .where(eq(organizations.id, organizationId))
        .returning();
      if (!row) throw notFound('organization', organizationId);
      return row;
    } catch (err) {
      if (isUniqueViolation(err, 'organizations_slug_uidx')) throw slugTaken(set.slug ?? '');
      throw err;
    }
  }

  /**
   * Deletes the organization with its memberships and invitations. Its pending invitations are revoked
   * first, in the same transaction, so their links die and webhook receivers hear `revoked` for each.
   */
  async delete(organizationId: string): Promise<DeletedObject> {
    const now = this.ctx.now();
    const row = await this.ctx.db.transaction(async (tx) => {
      const revoked = await tx
        .update(organizationInvitations)
        .set({ status: 'revoked', tokenHash: null, updatedAt: now })
        .where(
          and(
            eq(organizationInvitations.organizationId, organizationId),
            statusFilter(organizationInvitations, ['pending'], now),
          ),
        )
        .returning({ id: organizationInvitations.id });
      const events = revoked.map((r) => ({ invitationId: r.id, organizationId, type: 'revoked' as const }));
      await recordEvents(tx, this.ctx.lifecycle, events, now);
      const [deleted] = await tx
        .delete(organizations)
        .where(eq(organizations.id, organizationId))
        .returning({ id: organizations.id, slug: organizations.slug });
      return deleted;
    });
    this.ctx.onOutboxWrite?.();
    if (!row) throw notFound('organization', organizationId);
    return { object: 'organization', id: row.id, slug: row.slug, deleted: true };
  }
}
