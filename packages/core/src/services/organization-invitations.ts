import { and, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { normalizeEmail } from '../domain/email.js';
import { InvitekitError, invalidParam, notAnAdmin, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { checkMetadata, type Metadata } from '../domain/metadata.js';
import type {
  OrganizationInvitation,
  OrganizationInvitationWithOrganization,
  PublicUserData,
} from '../domain/models.js';
import { effectiveStatus, expiresAtFrom, type InvitationStatus } from '../domain/status.js';
import type { Database } from '../storage/database.js';
import {
  emailAddresses,
  memberships,
  type OrganizationInvitationRow,
  organizationInvitations as oi,
  organizations,
  users,
} from '../storage/schema.js';
import {
  type CreateOrganizationInvitationRow,
  createOrganizationInvitation,
  type ListOrganizationInvitationsRow,
  listOrganizationInvitations,
} from '../storage/statements.js';
import { atItem, checkBulkSize, rejectRepeatedEmails } from './bulk.js';
import type { ServiceContext } from './context.js';
import {
  containsText,
  type OrderBy,
  orderClause,
  type Page,
  type Paginated,
  statusFilter,
} from './listing.js';
import { requireOrganization } from './organizations.js';
import { insertPendingInvitations } from './pending-insert.js';
import { publicUserColumns, toPublicUser } from './public-user.js';

export interface CreateOrganizationInvitationInput {
  emailAddress: string;
  role: string;
  /** Must be an admin of the organization when given. */
  inviterUserId?: string | null;
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
  redirectUrl?: string | null;
  /** 1–365, default 30. */
  expiresInDays?: number | null;
  /** Whether to email the invitee (delivery arrives with the outbox). Default true. */
  notify?: boolean | null;
}

export type OrganizationInvitationOrder = OrderBy<'created_at' | 'email_address'>;

export interface ListOrganizationInvitationsInput extends Partial<Page> {
  statuses?: InvitationStatus[];
  emailAddress?: string;
  orderBy?: OrganizationInvitationOrder;
}

export interface ListInstanceOrganizationInvitationsInput extends Partial<Page> {
  statuses?: InvitationStatus[];
  /** Substring of the invited email address. */
  query?: string;
  orderBy?: OrganizationInvitationOrder;
}

export interface ListUserOrganizationInvitationsInput extends Partial<Page> {
  statuses?: InvitationStatus[];
}

const DEFAULT_ORDER: OrganizationInvitationOrder = { field: 'created_at', direction: 'desc' };
const orderColumn = { created_at: oi.createdAt, email_address: oi.emailAddress } as const;

type InviterRow = { role: string | null } & Parameters<typeof toPublicUser>[0];

/** Organization invitations: create, read, list and revoke, with the admin and uniqueness rules. */
export class OrganizationInvitationsService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(
    organizationId: string,
    input: CreateOrganizationInvitationInput,
  ): Promise<OrganizationInvitation> {
    const row = this.toRow(organizationId, input, this.ctx.now());
    // One round trip when everything is in order; otherwise the general path says why (or frees a slot
    // held by an expired invitation and inserts).
    const [result] = await this.ctx.run<CreateOrganizationInvitationRow>(createOrganizationInvitation, [
      organizationId,
      row.id,
      row.emailAddress,
      row.role,
      this.ctx.roles.adminKeys(),
      row.inviterId,
      JSON.stringify(row.publicMetadata),
      JSON.stringify(row.privateMetadata),
      row.redirectUrl,
      row.notify,
      row.expiresAt,
      row.createdAt,
    ]);
    if (result?.inserted) {
      const inviter = toPublicUser({
        userId: row.inviterId,
        firstName: result.first_name,
        lastName: result.last_name,
        identifier: result.identifier,
      });
      return this.toDomain(row, inviter, row.createdAt);
    }
    const [invitation] = await this.insert(organizationId, [input], false);
    return invitation!;
  }

  /** Creates 1–10 invitations, all or nothing; an error names the item at fault in `meta.index`. */
  async createMany(
    organizationId: string,
    inputs: CreateOrganizationInvitationInput[],
  ): Promise<OrganizationInvitation[]> {
    checkBulkSize(inputs);
    return this.insert(organizationId, inputs, true);
  }

  async get(organizationId: string, invitationId: string): Promise<OrganizationInvitation> {
    const [row] = await this.selectWithInviter()
      .where(and(eq(oi.organizationId, organizationId), eq(oi.id, invitationId)))
      .limit(1);
    if (!row) {
      await requireOrganization(this.ctx.db, organizationId);
      throw notFound('organization invitation', invitationId);
    }
    return this.toDomain(row.invitation, toPublicUser(row.inviter));
  }

  async list(
    organizationId: string,
    input: ListOrganizationInvitationsInput = {},
  ): Promise<Paginated<OrganizationInvitation>> {
    const now = this.ctx.now();
    const order = input.orderBy ?? DEFAULT_ORDER;
    const defaultShape =
      !input.statuses?.length &&
      !input.emailAddress &&
      order.field === 'created_at' &&
      order.direction === 'desc';
    if (defaultShape) {
      const rows = await this.ctx.run<ListOrganizationInvitationsRow>(listOrganizationInvitations, [
        organizationId,
        input.limit ?? 10,
        input.offset ?? 0,
      ]);
      if (rows.length > 0) {
        return { data: rows.map((r) => this.fromListRow(r, now)), totalCount: rows[0]!.total_count };
      }
    }
    const where = and(
      eq(oi.organizationId, organizationId),
      statusFilter(oi, input.statuses ?? [], now),
      input.emailAddress ? eq(oi.emailAddress, normalizeEmail(input.emailAddress)) : undefined,
    );
    const [rows, total] = await Promise.all([
      this.selectWithInviter()
        .where(where)
        .orderBy(...orderClause(orderColumn[order.field], order.direction, oi.createdAt, oi.id))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.count(where),
    ]);
    if (total === 0) await requireOrganization(this.ctx.db, organizationId);
    return {
      data: rows.map((r) => this.toDomain(r.invitation, toPublicUser(r.inviter), now)),
      totalCount: total,
    };
  }

  /** Every organization's invitations, with each organization's public data. */
  async listAll(input: ListInstanceOrganizationInvitationsInput = {}) {
    return this.listWithOrganization(
      and(
        statusFilter(oi, input.statuses ?? [], this.ctx.now()),
        input.query?.trim() ? containsText(oi.emailAddress, input.query.trim()) : undefined,
      ),
      input,
    );
  }

  /** Invitations sent to any of a user's email addresses. */
  async listForUser(userId: string, input: ListUserOrganizationInvitationsInput = {}) {
    const addresses = this.ctx.db
      .select({ email: emailAddresses.emailAddress })
      .from(emailAddresses)
      .where(eq(emailAddresses.userId, userId));
    const page = await this.listWithOrganization(
      and(inArray(oi.emailAddress, addresses), statusFilter(oi, input.statuses ?? [], this.ctx.now())),
      input,
    );
    if (page.totalCount === 0) {
      const [user] = await this.ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
      if (!user) throw notFound('user', userId);
    }
    return page;
  }

  /** Revokes a pending invitation; `requestingUserId`, when given, must be an admin. */
  async revoke(
    organizationId: string,
    invitationId: string,
    input: { requestingUserId?: string | null } = {},
  ): Promise<OrganizationInvitation> {
    const now = this.ctx.now();
    if (input.requestingUserId) {
      const { inviters } = await this.loadContext(organizationId, [input.requestingUserId], []);
      if (!this.ctx.roles.isAdmin(inviters.get(input.requestingUserId)?.role)) {
        throw notAnAdmin(input.requestingUserId, organizationId, 'requesting_user_id');
      }
    }
    const [revoked] = await this.ctx.db
      .update(oi)
      .set({ status: 'revoked', updatedAt: now })
      .where(
        and(
          eq(oi.organizationId, organizationId),
          eq(oi.id, invitationId),
          statusFilter(oi, ['pending'], now),
        ),
      )
      .returning({ id: oi.id });
    const current = await this.get(organizationId, invitationId);
    if (!revoked) {
      throw new InvitekitError({
        code: 'invitation_not_pending',
        message: 'not pending',
        longMessage: `Only pending invitations can be revoked; this one is ${current.status}`,
        meta: { status: current.status },
      });
    }
    return current;
  }

  // ---- internals ----------------------------------------------------------------------------------

  private async insert(
    organizationId: string,
    inputs: CreateOrganizationInvitationInput[],
    bulk: boolean,
  ): Promise<OrganizationInvitation[]> {
    const { roles, now: clock } = this.ctx;
    const now = clock();
    const wrap = <T>(index: number, fn: () => T) => (bulk ? atItem(index, fn) : fn());

    const rows = inputs.map((input, index) => wrap(index, () => this.toRow(organizationId, input, now)));
    rejectRepeatedEmails(rows.map((r) => r.emailAddress));

    const inviterIds = [...new Set(rows.map((r) => r.inviterId).filter((id): id is string => id !== null))];
    const context = await this.loadContext(
      organizationId,
      inviterIds,
      rows.map((r) => r.emailAddress),
    );
    rows.forEach((row, index) => {
      wrap(index, () => {
        if (row.inviterId && !roles.isAdmin(context.inviters.get(row.inviterId)?.role)) {
          throw notAnAdmin(row.inviterId, organizationId, 'inviter_user_id');
        }
        if (context.memberEmails.has(row.emailAddress)) {
          throw invalidParam(
            'email_address',
            `${row.emailAddress} is already a member of organization ${organizationId}`,
            'already_a_member_in_organization',
          );
        }
      });
    });

    const write = (db: Database) =>
      insertPendingInvitations(db, oi, rows, {
        now,
        bulk,
        scope: eq(oi.organizationId, organizationId),
        scopeName: ' in this organization',
      });
    const inserted = bulk ? await this.ctx.db.transaction(write) : await write(this.ctx.db);
    return inserted.map((row) =>
      this.toDomain(row, row.inviterId ? toPublicUser(context.inviters.get(row.inviterId)!) : null, now),
    );
  }

  /** Validates one input (role, email, metadata, expiry) into the row to insert. */
  private toRow(
    organizationId: string,
    input: CreateOrganizationInvitationInput,
    now: number,
  ): OrganizationInvitationRow {
    return {
      organizationId,
      id: newId('organizationInvitation', now),
      emailAddress: normalizeEmail(input.emailAddress),
      role: this.ctx.roles.require(input.role).key,
      status: 'pending',
      inviterId: input.inviterUserId ?? null,
      publicMetadata: checkMetadata(input.publicMetadata, 'public_metadata'),
      privateMetadata: checkMetadata(input.privateMetadata, 'private_metadata'),
      redirectUrl: input.redirectUrl ?? null,
      notify: input.notify ?? true,
      expiresAt: expiresAtFrom(input.expiresInDays, now),
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * In one round trip: the organization (404 if missing), the given users' memberships with their public
   * data, and which of the given addresses already belong to members.
   */
  private async loadContext(organizationId: string, inviterIds: string[], emails: string[]) {
    const { db } = this.ctx;
    const memberEmails = db
      .select({ email: emailAddresses.emailAddress })
      .from(memberships)
      .innerJoin(emailAddresses, eq(emailAddresses.userId, memberships.userId))
      .where(
        and(eq(memberships.organizationId, organizations.id), inArray(emailAddresses.emailAddress, emails)),
      );
    const rows = await db
      .select({
        organizationId: organizations.id,
        role: memberships.role,
        ...publicUserColumns(),
        memberEmails: emails.length ? sql<string[]>`array(${memberEmails})` : sql<string[]>`'{}'::text[]`,
      })
      .from(organizations)
      .leftJoin(
        memberships,
        and(
          eq(memberships.organizationId, organizations.id),
          inviterIds.length ? inArray(memberships.userId, inviterIds) : sql`false`,
        ),
      )
      .leftJoin(users, eq(users.id, memberships.userId))
      .where(eq(organizations.id, organizationId));
    if (rows.length === 0) throw notFound('organization', organizationId);
    const inviters = new Map<string, InviterRow>();
    for (const row of rows) if (row.userId) inviters.set(row.userId, row);
    return { inviters, memberEmails: new Set(rows[0]!.memberEmails) };
  }

  private selectWithInviter() {
    return this.ctx.db
      .select({ invitation: oi, inviter: publicUserColumns() })
      .from(oi)
      .leftJoin(users, eq(users.id, oi.inviterId));
  }

  private async count(where: SQL | undefined): Promise<number> {
    const [row] = await this.ctx.db.select({ total: count() }).from(oi).where(where);
    return row?.total ?? 0;
  }

  private async listWithOrganization(
    where: SQL | undefined,
    input: Partial<Page> & { orderBy?: OrganizationInvitationOrder },
  ): Promise<Paginated<OrganizationInvitationWithOrganization>> {
    const now = this.ctx.now();
    const order = input.orderBy ?? DEFAULT_ORDER;
    const [rows, total] = await Promise.all([
      this.ctx.db
        .select({
          invitation: oi,
          inviter: publicUserColumns(),
          organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
        })
        .from(oi)
        .innerJoin(organizations, eq(organizations.id, oi.organizationId))
        .leftJoin(users, eq(users.id, oi.inviterId))
        .where(where)
        .orderBy(...orderClause(orderColumn[order.field], order.direction, oi.createdAt, oi.id))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.count(where),
    ]);
    return {
      data: rows.map((r) => ({
        ...this.toDomain(r.invitation, toPublicUser(r.inviter), now),
        organization: r.organization,
      })),
      totalCount: total,
    };
  }

  private fromListRow(r: ListOrganizationInvitationsRow, now: number): OrganizationInvitation {
    const row: OrganizationInvitationRow = {
      organizationId: r.organization_id,
      id: r.id,
      emailAddress: r.email_address,
      role: r.role,
      status: r.status,
      inviterId: r.inviter_id,
      publicMetadata: r.public_metadata,
      privateMetadata: r.private_metadata,
      redirectUrl: r.redirect_url,
      notify: r.notify,
      expiresAt: Number(r.expires_at),
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
    const inviter = toPublicUser({
      userId: r.inviter_user_id,
      firstName: r.inviter_first_name,
      lastName: r.inviter_last_name,
      identifier: r.inviter_identifier,
    });
    return this.toDomain(row, inviter, now);
  }

  private toDomain(
    row: OrganizationInvitationRow,
    inviter: PublicUserData | null,
    now = this.ctx.now(),
  ): OrganizationInvitation {
    return {
      id: row.id,
      organizationId: row.organizationId,
      emailAddress: row.emailAddress,
      role: row.role,
      status: effectiveStatus(row.status, row.expiresAt, now),
      inviterId: row.inviterId,
      inviter,
      publicMetadata: row.publicMetadata,
      privateMetadata: row.privateMetadata,
      redirectUrl: row.redirectUrl,
      notify: row.notify,
      url: null,
      expiresAt: row.expiresAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
