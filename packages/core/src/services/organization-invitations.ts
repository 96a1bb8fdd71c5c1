import { and, count, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { normalizeEmail } from '../domain/email.js';
import { alreadyMembers, notAnAdmin, notFound, organizationInvitationNotPending } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { acceptLink } from '../domain/links.js';
import { checkLocale } from '../domain/locale.js';
import { checkMetadata, type Metadata } from '../domain/metadata.js';
import type {
  OrganizationInvitation,
  OrganizationInvitationWithOrganization,
  PublicUserData,
} from '../domain/models.js';
import { firstReminderAt } from '../domain/reminders.js';
import { effectiveStatus, expiresAtFrom, type InvitationStatus } from '../domain/status.js';
import { issueToken } from '../domain/tokens.js';
import { Batcher } from '../storage/batcher.js';
import type { Statement } from '../storage/database.js';
import {
  type FilteredPageItem,
  listFilteredOrganizationInvitationPages,
  listPersonOrganizationInvitationPages,
  type OrganizationInvitationWithOrganizationRow,
  type PageOrTotalRow,
  PERSON_PAGES_MAX,
  type PersonPageItem,
  SEARCH_PAGES_MAX,
  type SearchPageItem,
  searchOrganizationInvitationPages,
} from '../storage/filtered-list-statements.js';
import {
  emailAddresses,
  memberships,
  type OrganizationInvitationRow,
  organizationInvitations as oi,
  organizations,
  users,
} from '../storage/schema.js';
import { inviterFromSql, organizationInvitationFromSql } from '../storage/sql-rows.js';
import {
  type CreateOrganizationInvitationItem,
  type CreateOrganizationInvitationRow,
  createOrganizationInvitations,
  type ListOrganizationInvitationPagesRow,
  type ListOrganizationInvitationsRow,
  listOrganizationInvitationPages,
} from '../storage/statements.js';
import { atItem, checkBulkSize, rejectRepeatedEmails } from './bulk.js';
import type { ServiceContext } from './context.js';
import { effectRows, type InvitationEventSpec, type OutboxRowJson, recordEvents } from './effects.js';
import { EmailSearch, searchCondition } from './email-search.js';
import { countOrganizationInvitations } from './invitation-counts.js';
import { checkInvitationLimits, invitationLimitsApply } from './limits.js';
import { type OrderBy, orderClause, type Page, type Paginated, statusFilter } from './listing.js';
import { checkMembershipQuota } from './membership-quota.js';
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
  /** Invitekit extension: false sends this invitation no reminders (domain/reminders.ts). */
  reminders?: boolean | null;
  /**
   * Invitekit extension: BCP 47 locale of its emails and the hosted page. Default: the organization's
   * locale, else the configured `locale`; the invitation keeps the one it was created with.
   */
  locale?: string | null;
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

/** Creates that one execution of the create statement takes at most. */
const CREATE_BATCH_MAX = 32;
/**
 * First-page reads: two executions in flight, so that one large page does not hold up every other list
 * (one in flight measured about the same); pages hold up to 500 rows, so fewer go together than creates.
 */
const LIST_BATCHING = { maxInFlight: 2, maxBatch: 16 };

const DEFAULT_ORDER: OrganizationInvitationOrder = { field: 'created_at', direction: 'desc' };
const orderColumn = { created_at: oi.createdAt, email_address: oi.emailAddress } as const;

type InviterRow = { role: string | null } & Parameters<typeof toPublicUser>[0];

/** Organization invitations: create, read, list and revoke, with the admin and uniqueness rules. */
export class OrganizationInvitationsService {
  /** Single creates in one statement, several at a time under load (storage/batcher.ts). */
  private readonly creates: Batcher<
    { item: CreateOrganizationInvitationItem; outbox: OutboxRowJson[] },
    CreateOrganizationInvitationRow
  >;

  /** First pages in the default order, several in one statement under load. */
  private readonly firstPages: Batcher<
    { organization_id: string; limit: number; offset: number },
    ListOrganizationInvitationsRow[]
  >;

  /** First pages filtered by one status or one address, several in one statement under load. */
  private readonly filteredPages: Batcher<FilteredPageItem, ListOrganizationInvitationsRow[]>;

  private readonly emailSearch: EmailSearch;

  /** A person's first pages (Backend API by user, Frontend API by verified addresses), batched. */
  private readonly personPages: Batcher<PersonPageItem, PageOrTotalRow[]>;

  /** Instance-wide searches by address for uncommon trigrams, several in one statement under load. */
  private readonly searchPages: Batcher<SearchPageItem, PageOrTotalRow[]>;

  constructor(private readonly ctx: ServiceContext) {
    this.emailSearch = new EmailSearch(ctx.db, 'organization_invitations');
    this.creates = new Batcher(
      (calls) =>
        ctx.run<CreateOrganizationInvitationRow>(createOrganizationInvitations, [
          JSON.stringify(calls.map((c) => c.item)),
          ctx.roles.adminKeys(),
          JSON.stringify(calls.flatMap((c) => c.outbox)),
        ]),
      // One execution at a time: measured on the create benchmark (bench/README.md), one in flight with
      // the rest waiting to go together beat two or more in flight, in throughput and in p99.
      { maxInFlight: 1, maxBatch: CREATE_BATCH_MAX },
    );
    this.firstPages = new Batcher(async (pages) => {
      const rows = await ctx.run<ListOrganizationInvitationPagesRow>(listOrganizationInvitationPages, [
        JSON.stringify(pages),
      ]);
      const byPage = pages.map((): ListOrganizationInvitationsRow[] => []);
      for (const r of rows) byPage[Number(r.n) - 1]!.push(r.page_row);
      return byPage;
    }, LIST_BATCHING);
    // A batched page statement's rows, grouped by the item (`n`, 1-based) they answer.
    const rowsByItem =
      <R extends { n?: number | string }>(statement: Statement) =>
      async <I>(pages: I[]) => {
        const rows = await ctx.run<R>(statement, [JSON.stringify(pages)]);
        const byPage = pages.map((): R[] => []);
        for (const r of rows) byPage[Number(r.n) - 1]!.push(r);
        return byPage;
      };
    // Each item yields its page's rows, or its total alone when the page is empty.
    this.personPages = new Batcher(rowsByItem<PageOrTotalRow>(listPersonOrganizationInvitationPages), {
      ...LIST_BATCHING,
      maxBatch: Math.min(LIST_BATCHING.maxBatch, PERSON_PAGES_MAX),
    });
    this.searchPages = new Batcher(rowsByItem<PageOrTotalRow>(searchOrganizationInvitationPages), {
      ...LIST_BATCHING,
      maxBatch: Math.min(LIST_BATCHING.maxBatch, SEARCH_PAGES_MAX),
    });
    this.filteredPages = new Batcher<FilteredPageItem, ListOrganizationInvitationsRow[]>(
      rowsByItem<ListOrganizationInvitationsRow & { n: number | string }>(
        listFilteredOrganizationInvitationPages,
      ),
      LIST_BATCHING,
    );
  }

  async create(
    organizationId: string,
    input: CreateOrganizationInvitationInput,
  ): Promise<OrganizationInvitation> {
    const { lifecycle } = this.ctx;
    // When a limit applies, the general path counts first; otherwise one round trip when everything is
    // in order, and the general path says why not (or frees a slot held by an expired invitation).
    if (invitationLimitsApply(lifecycle.limits, input.inviterUserId ?? null)) {
      const [invitation] = await this.insert(organizationId, [input], false);
      return invitation!;
    }
    const now = this.ctx.now();
    const { row, link, event } = this.issue(organizationId, input, now);
    // The email is sent by this process right after the commit when its dispatcher has room.
    const delivery = event.email ? this.ctx.delivery : undefined;
    const leaseUntil = delivery?.reserve() ?? null;
    if (event.email) event.email.leaseUntil = leaseUntil;
    const effects = effectRows(lifecycle, [event], now);
    const [created] = effects.events;
    let result: CreateOrganizationInvitationRow | undefined;
    try {
      result = await this.creates.run({
        item: {
          organization_id: organizationId,
          id: row.id,
          email_address: row.emailAddress,
          role: row.role,
          inviter_id: row.inviterId,
          public_metadata: row.publicMetadata,
          private_metadata: row.privateMetadata,
          redirect_url: row.redirectUrl,
          notify: row.notify,
          locale: row.locale,
          default_locale: lifecycle.locale,
          expires_at: row.expiresAt,
          created_at: row.createdAt,
          next_reminder_at: row.nextReminderAt,
          reminders: row.reminders ?? true,
          token_hash: row.tokenHash!.toString('hex'),
          event_id: created!.id,
          event_data: created!.data,
        },
        outbox: effects.outbox,
      });
    } finally {
      if (leaseUntil !== null && !result?.inserted) delivery!.release();
    }
    if (result?.inserted) {
      // The statement chose the locale (the organization's when none was given): the snapshot has it.
      row.locale = (result.snapshot as { invitation: { locale: string | null } }).invitation.locale;
      if (leaseUntil !== null) {
        const email = effects.outbox.find((o) => o.kind === 'email')!;
        delivery!.handoff({
          messageId: email.id,
          to: email.target,
          link,
          event: {
            id: created!.id,
            invitationId: row.id,
            organizationId,
            type: 'created',
            data: created!.data,
            snapshot: result.snapshot,
            createdAt: now,
          },
        });
      }
      // Webhook deliveries, and the email when it was not handed over, are claimed by the dispatcher.
      if (effects.outbox.length > (leaseUntil === null ? 0 : 1)) this.ctx.onOutboxWrite?.();
      const inviter = toPublicUser({
        userId: row.inviterId,
        firstName: result.first_name,
        lastName: result.last_name,
        identifier: result.identifier,
      });
      return this.toDomain(row, inviter, now, link);
    }
    // The general path validates again, says why not, and leaves its email to the dispatcher.
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
    const statuses = [...new Set(input.statuses ?? [])];
    const email = input.emailAddress ? normalizeEmail(input.emailAddress) : null;
    const defaultOrder = order.field === 'created_at' && order.direction === 'desc';
    const page = { organization_id: organizationId, limit: input.limit ?? 10, offset: input.offset ?? 0 };
    // The common shapes in one prepared statement each, batched; the rest (and empty pages) below.
    let first: ListOrganizationInvitationsRow[] = [];
    if (defaultOrder && statuses.length === 0 && !email) first = await this.firstPages.run(page);
    else if (defaultOrder && statuses.length + (email ? 1 : 0) === 1) {
      first = await this.filteredPages.run({
        ...page,
        status: statuses[0] ?? null,
        email_address: email,
        now,
      });
    }
    if (first.length > 0) {
      return {
        data: first.map((r) => organizationInvitationFromSql(r, inviterFromSql(r), now)),
        totalCount: first[0]!.total_count,
      };
    }
    const where = and(
      eq(oi.organizationId, organizationId),
      // Automatic invitations (verified domains) stay out of the organization's list, as in Clerk.
      isNull(oi.organizationDomainId),
      statusFilter(oi, input.statuses ?? [], now),
      email ? eq(oi.emailAddress, email) : undefined,
    );
    const [rows, total] = await Promise.all([
      this.selectWithInviter()
        .where(where)
        .orderBy(...orderClause(orderColumn[order.field], order.direction, oi.createdAt, oi.id))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      // Without an email filter the counters answer (an organization-wide status count reads every
      // matching row); with one, the index on (organization_id, email_address) holds a few rows.
      email
        ? this.count(where)
        : countOrganizationInvitations(this.ctx.db, organizationId, input.statuses ?? [], now),
    ]);
    if (total === 0) await requireOrganization(this.ctx.db, organizationId);
    return {
      data: rows.map((r) => this.toDomain(r.invitation, toPublicUser(r.inviter), now)),
      totalCount: total,
    };
  }

  /** Every organization's invitations, with each organization's public data. */
  async listAll(input: ListInstanceOrganizationInvitationsInput = {}) {
    const now = this.ctx.now();
    const order = input.orderBy ?? DEFAULT_ORDER;
    const search = input.query?.trim() ? await this.emailSearch.patterns(input.query.trim()) : null;
    // A search for uncommon trigrams (few matches) in the default order: one prepared statement, batched.
    if (search?.selective && order.field === 'created_at' && order.direction === 'desc') {
      const rows = await this.searchPages.run({
        pattern: search.pattern,
        text: search.text,
        statuses: [...new Set(input.statuses ?? [])],
        now,
        limit: input.limit ?? 10,
        offset: input.offset ?? 0,
      });
      return this.pageWithOrganization(rows, now);
    }
    return this.listWithOrganization(
      and(
        isNull(oi.organizationDomainId),
        statusFilter(oi, input.statuses ?? [], now),
        search ? searchCondition(oi.emailAddress, search) : undefined,
      ),
      input,
    );
  }

  /** Invitations sent to any of a user's verified email addresses (an unverified one owns nothing). */
  async listForUser(userId: string, input: ListUserOrganizationInvitationsInput = {}) {
    const page = await this.personPage({ user_id: userId, emails: [] }, input);
    if (page.totalCount === 0) {
      const [user] = await this.ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
      if (!user) throw notFound('user', userId);
    }
    return page;
  }

  /** Invitations sent to any of these (normalised) addresses: a signed-in person's verified addresses. */
  async listForEmails(emails: string[], input: ListUserOrganizationInvitationsInput = {}) {
    if (emails.length === 0) return { data: [], totalCount: 0 };
    return this.personPage({ user_id: null, emails }, input);
  }

  /** A person's page (newest first, the only order) and its total, through the batched statement. */
  private async personPage(
    who: Pick<PersonPageItem, 'user_id' | 'emails'>,
    input: ListUserOrganizationInvitationsInput,
  ): Promise<Paginated<OrganizationInvitationWithOrganization>> {
    const now = this.ctx.now();
    const rows = await this.personPages.run({
      ...who,
      statuses: [...new Set(input.statuses ?? [])],
      limit: input.limit ?? 10,
      offset: input.offset ?? 0,
      now,
    });
    return this.pageWithOrganization(rows, now);
  }

  /** A batched statement's answer for one page: at least one row, the total, with no invitation when empty. */
  private pageWithOrganization(
    rows: PageOrTotalRow[],
    now: number,
  ): Paginated<OrganizationInvitationWithOrganization> {
    const page = rows.filter((r): r is OrganizationInvitationWithOrganizationRow => r.id !== null);
    return {
      data: page.map((r) => this.withOrganization(r, now)),
      totalCount: Number(rows[0]!.total_count),
    };
  }

  private withOrganization(
    r: OrganizationInvitationWithOrganizationRow,
    now: number,
  ): OrganizationInvitationWithOrganization {
    return {
      ...organizationInvitationFromSql(r, inviterFromSql(r), now),
      organization: { id: r.organization_id, name: r.organization_name, slug: r.organization_slug },
    };
  }

  /**
   * One invitation by id alone, with its organization's public data; null when there is none or, given
   * `emails`, when it was not sent to one of them.
   */
  async findWithOrganization(
    invitationId: string,
    emails?: string[],
  ): Promise<OrganizationInvitationWithOrganization | null> {
    if (emails?.length === 0) return null;
    const [r] = await this.selectWithOrganization()
      .where(and(eq(oi.id, invitationId), emails ? inArray(oi.emailAddress, emails) : undefined))
      .limit(1);
    return r
      ? { ...this.toDomain(r.invitation, toPublicUser(r.inviter)), organization: r.organization }
      : null;
  }

  /** Revokes a pending invitation; `requestingUserId`, when given, must be an admin. */
  async revoke(
    organizationId: string,
    invitationId: string,
    input: { requestingUserId?: string | null } = {},
  ): Promise<OrganizationInvitation> {
    const now = this.ctx.now();
    if (input.requestingUserId) await this.requireAdmin(organizationId, input.requestingUserId);
    const revoked = await this.revokePending(organizationId, invitationId, { type: 'revoked' }, now);
    const current = await this.get(organizationId, invitationId);
    if (!revoked) throw organizationInvitationNotPending(current.status, 'revoked');
    return current;
  }

  /**
   * @internal Revokes an invitation if it is still pending, recording `event` (revoked by an admin, or
   * declined by the invitee) in the same transaction. False when it was not pending.
   */
  async revokePending(
    organizationId: string,
    invitationId: string,
    event: Pick<InvitationEventSpec, 'type' | 'data'>,
    now = this.ctx.now(),
  ): Promise<boolean> {
    const revoked = await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(oi)
        .set({ status: 'revoked', tokenHash: null, updatedAt: now })
        .where(
          and(
            eq(oi.organizationId, organizationId),
            eq(oi.id, invitationId),
            statusFilter(oi, ['pending'], now),
          ),
        )
        .returning({ id: oi.id });
      if (!row) return false;
      await recordEvents(tx, this.ctx.lifecycle, [{ invitationId, organizationId, ...event }], now);
      return true;
    });
    if (revoked) this.ctx.onOutboxWrite?.();
    return revoked;
  }

  /**
   * Emails a pending invitation again with a new accept link; the old link stops working. With
   * `expiresInDays`, the invitation then expires that many days from now. The result's `url` is the new link.
   */
  async resend(
    organizationId: string,
    invitationId: string,
    input: { expiresInDays?: number | null; requestingUserId?: string | null } = {},
  ): Promise<OrganizationInvitation> {
    const now = this.ctx.now();
    const expiresAt = input.expiresInDays == null ? undefined : expiresAtFrom(input.expiresInDays, now);
    if (input.requestingUserId) await this.requireAdmin(organizationId, input.requestingUserId);
    const token = issueToken(invitationId);
    const link = await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(oi)
        .set({ tokenHash: token.hash, updatedAt: now, ...(expiresAt ? { expiresAt } : {}) })
        .where(
          and(
            eq(oi.organizationId, organizationId),
            eq(oi.id, invitationId),
            statusFilter(oi, ['pending'], now),
          ),
        )
        .returning({ emailAddress: oi.emailAddress, redirectUrl: oi.redirectUrl, expiresAt: oi.expiresAt });
      if (!row) return null;
      const link = acceptLink(this.ctx.lifecycle.linkBase(row.redirectUrl), token.token);
      const event: InvitationEventSpec = {
        invitationId,
        organizationId,
        type: 'resent',
        data: { expires_at: row.expiresAt },
        email: { to: row.emailAddress, link },
      };
      await recordEvents(tx, this.ctx.lifecycle, [event], now);
      return link;
    });
    const current = await this.get(organizationId, invitationId);
    if (!link) throw organizationInvitationNotPending(current.status, 'resent');
    this.ctx.onOutboxWrite?.();
    return { ...current, url: link };
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** 404 for an unknown organization, 403 unless the user is one of its admins. */
  private async requireAdmin(organizationId: string, userId: string): Promise<void> {
    const { inviters, organization } = await this.loadContext(organizationId, [userId], []);
    if (!this.ctx.roles.isAdmin(inviters.get(userId)?.role)) {
      throw notAnAdmin(userId, organization, 'requesting_user_id');
    }
  }

  private async insert(
    organizationId: string,
    inputs: CreateOrganizationInvitationInput[],
    bulk: boolean,
  ): Promise<OrganizationInvitation[]> {
    const { roles, now: clock } = this.ctx;
    const now = clock();
    const wrap = <T>(index: number, fn: () => T) => (bulk ? atItem(index, fn) : fn());

    const issued = inputs.map((input, index) => wrap(index, () => this.issue(organizationId, input, now)));
    const rows = issued.map((i) => i.row);
    rejectRepeatedEmails(rows.map((r) => r.emailAddress));

    const inviterIds = [...new Set(rows.map((r) => r.inviterId).filter((id): id is string => id !== null))];
    const context = await this.loadContext(
      organizationId,
      inviterIds,
      rows.map((r) => r.emailAddress),
    );
    for (const row of rows) row.locale ??= context.organizationLocale ?? this.ctx.lifecycle.locale;
    const members = rows.map((r) => r.emailAddress).filter((email) => context.memberEmails.has(email));
    rows.forEach((row, index) => {
      wrap(index, () => {
        if (row.inviterId && !roles.isAdmin(context.inviters.get(row.inviterId)?.role)) {
          throw notAnAdmin(row.inviterId, context.organization, 'inviter_user_id');
        }
        // Every address of the request that is a member's is named, the first one's item in meta.index.
        if (context.memberEmails.has(row.emailAddress)) throw alreadyMembers(members, context.organization);
      });
    });

    const inserted = await this.ctx.db.transaction(async (tx) => {
      await checkMembershipQuota(tx, organizationId, rows.length, now);
      await checkInvitationLimits(tx, this.ctx.lifecycle.limits, context.organization, rows, now);
      const { inserted, expired } = await insertPendingInvitations(tx, oi, rows, {
        now,
        bulk,
        scope: eq(oi.organizationId, organizationId),
        scopeName: ' in this organization',
      });
      const events: InvitationEventSpec[] = [
        ...expired.map((id) => ({ invitationId: id, organizationId, type: 'expired' as const })),
        ...issued.map((i) => i.event),
      ];
      await recordEvents(tx, this.ctx.lifecycle, events, now);
      return inserted;
    });
    this.ctx.onOutboxWrite?.();
    return inserted.map((row, index) =>
      this.toDomain(
        row,
        row.inviterId ? toPublicUser(context.inviters.get(row.inviterId)!) : null,
        now,
        issued[index]!.link,
      ),
    );
  }

  /** Validates one input into its row, with a fresh accept token, its link and its `created` event. */
  private issue(organizationId: string, input: CreateOrganizationInvitationInput, now: number) {
    const row = this.toRow(organizationId, input, now);
    const token = issueToken(row.id);
    row.tokenHash = token.hash;
    const link = acceptLink(this.ctx.lifecycle.linkBase(row.redirectUrl), token.token);
    const event: InvitationEventSpec = {
      invitationId: row.id,
      organizationId,
      type: 'created',
      email: row.notify ? { to: row.emailAddress, link } : undefined,
    };
    return { row, link, event };
  }

  /** Validates one input (role, email, metadata, expiry) into the row to insert. */
  private toRow(
    organizationId: string,
    input: CreateOrganizationInvitationInput,
    now: number,
  ): OrganizationInvitationRow {
    const row: OrganizationInvitationRow = {
      organizationId,
      id: newId('organizationInvitation', now),
      emailAddress: normalizeEmail(input.emailAddress),
      role: this.ctx.roles.require(input.role).key,
      status: 'pending',
      inviterId: input.inviterUserId ?? null,
      publicMetadata: checkMetadata(input.publicMetadata, 'public_metadata'),
      privateMetadata: checkMetadata(input.privateMetadata, 'private_metadata'),
      redirectUrl: this.ctx.lifecycle.redirects.check(input.redirectUrl),
      notify: input.notify ?? true,
      locale: checkLocale(input.locale),
      tokenHash: null,
      organizationDomainId: null,
      expiresAt: expiresAtFrom(input.expiresInDays, now),
      createdAt: now,
      updatedAt: now,
      nextReminderAt: null,
      remindersSent: 0,
      reminders: input.reminders !== false,
      reminderTokenHashes: null,
    };
    row.nextReminderAt = firstReminderAt(this.ctx.lifecycle.reminders, row, input.reminders);
    return row;
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
        and(
          eq(memberships.organizationId, organizations.id),
          inArray(emailAddresses.emailAddress, emails),
          eq(emailAddresses.verified, true),
        ),
      );
    const rows = await db
      .select({
        organizationId: organizations.id,
        organizationName: organizations.name,
        organizationLocale: organizations.locale,
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
    const organization = { id: organizationId, name: rows[0]!.organizationName };
    return {
      inviters,
      organization,
      organizationLocale: rows[0]!.organizationLocale,
      memberEmails: new Set(rows[0]!.memberEmails),
    };
  }

  private selectWithInviter() {
    return this.ctx.db
      .select({ invitation: oi, inviter: publicUserColumns() })
      .from(oi)
      .leftJoin(users, eq(users.id, oi.inviterId));
  }

  /** As selectWithInviter, with the organization's public data. */
  private selectWithOrganization() {
    return this.ctx.db
      .select({
        invitation: oi,
        inviter: publicUserColumns(),
        organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
      })
      .from(oi)
      .innerJoin(organizations, eq(organizations.id, oi.organizationId))
      .leftJoin(users, eq(users.id, oi.inviterId));
  }

  private async count(where: SQL | undefined): Promise<number> {
    const [row] = await this.ctx.db.select({ total: count() }).from(oi).where(where);
    return row?.total ?? 0;
  }

  /**
   * A page and its total (the instance-wide list, other than a search for uncommon trigrams in the default
   * order), in two statements.
   */
  private async listWithOrganization(
    where: SQL | undefined,
    input: Partial<Page> & { orderBy?: OrganizationInvitationOrder },
  ): Promise<Paginated<OrganizationInvitationWithOrganization>> {
    const now = this.ctx.now();
    const order = input.orderBy ?? DEFAULT_ORDER;
    const [rows, total] = await Promise.all([
      this.selectWithOrganization()
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

  /** `url` (the accept link) is known only when the token was just issued: only its hash is stored. */
  private toDomain(
    row: OrganizationInvitationRow,
    inviter: PublicUserData | null,
    now = this.ctx.now(),
    url: string | null = null,
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
      locale: row.locale,
      url,
      expiresAt: row.expiresAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
