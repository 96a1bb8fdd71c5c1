import { and, count, eq, inArray, or } from 'drizzle-orm';
import { normalizeEmail } from '../domain/email.js';
import { invalidParam, notFound, notPending } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { acceptLink } from '../domain/links.js';
import { checkLocale } from '../domain/locale.js';
import { checkMetadata, type Metadata } from '../domain/metadata.js';
import type { ApplicationInvitation } from '../domain/models.js';
import { firstReminderAt } from '../domain/reminders.js';
import { effectiveStatus, expiresAtFrom, type InvitationStatus } from '../domain/status.js';
import { issueToken } from '../domain/tokens.js';
import type { Database } from '../storage/database.js';
import {
  type ApplicationInvitationRow,
  applicationInvitations as ai,
  emailAddresses,
  invitationEvents,
  outbox,
} from '../storage/schema.js';
import { atItem, checkBulkSize, rejectRepeatedEmails } from './bulk.js';
import type { ServiceContext } from './context.js';
import { type InvitationEventSpec, recordEvents } from './effects.js';
import {
  containsText,
  type OrderBy,
  orderClause,
  type Page,
  type Paginated,
  statusFilter,
} from './listing.js';
import { insertPendingInvitations } from './pending-insert.js';

export interface CreateApplicationInvitationInput {
  emailAddress: string;
  publicMetadata?: Metadata | null;
  redirectUrl?: string | null;
  notify?: boolean | null;
  /** Invitekit extension: false sends this invitation no reminders (domain/reminders.ts). */
  reminders?: boolean | null;
  /**
   * Create even if a pending invitation exists for the address (it is revoked and replaced) or, for a
   * single create, a user already owns it.
   */
  ignoreExisting?: boolean | null;
  expiresInDays?: number | null;
  /** Invitekit extension: BCP 47 locale of its emails (default: the configured `locale`). */
  locale?: string | null;
}

export type ApplicationInvitationOrder = OrderBy<'created_at' | 'email_address' | 'expires_at'>;

export interface ListApplicationInvitationsInput extends Partial<Page> {
  statuses?: InvitationStatus[];
  /** Substring of the email address, or an exact id. */
  query?: string;
  orderBy?: ApplicationInvitationOrder;
}

const DEFAULT_ORDER: ApplicationInvitationOrder = { field: 'created_at', direction: 'desc' };
const orderColumn = {
  created_at: ai.createdAt,
  email_address: ai.emailAddress,
  expires_at: ai.expiresAt,
} as const;

/** Invitations into the application itself (sign-up invitations). */
export class ApplicationInvitationsService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(input: CreateApplicationInvitationInput): Promise<ApplicationInvitation> {
    const [row] = await this.insert([input], false);
    return row!;
  }

  /** 1–10 invitations, all or nothing. An existing user always blocks an address here (as in Clerk). */
  async createMany(inputs: CreateApplicationInvitationInput[]): Promise<ApplicationInvitation[]> {
    checkBulkSize(inputs);
    return this.insert(inputs, true);
  }

  /** Lists invitations, newest first by default. Returns a plain array, as Clerk's endpoint does. */
  async list(input: ListApplicationInvitationsInput = {}): Promise<ApplicationInvitation[]> {
    const now = this.ctx.now();
    const order = input.orderBy ?? DEFAULT_ORDER;
    const rows = await this.ctx.db
      .select()
      .from(ai)
      .where(this.listFilter(input, now))
      .orderBy(...orderClause(orderColumn[order.field], order.direction, ai.createdAt, ai.id))
      .limit(input.limit ?? 10)
      .offset(input.offset ?? 0);
    return rows.map((row) => this.toDomain(row, now));
  }

  /** As `list`, with the number of invitations that match the filters (Clerk's `paginated=true`). */
  async listPage(input: ListApplicationInvitationsInput = {}): Promise<Paginated<ApplicationInvitation>> {
    const now = this.ctx.now();
    const [data, [total]] = await Promise.all([
      this.list(input),
      this.ctx.db.select({ n: count() }).from(ai).where(this.listFilter(input, now)),
    ]);
    return { data, totalCount: total?.n ?? 0 };
  }

  /** Status filter, and `query`: an exact id, or a substring of the email address. */
  private listFilter(input: ListApplicationInvitationsInput, now: number) {
    const query = input.query?.trim();
    return and(
      statusFilter(ai, input.statuses ?? [], now),
      query ? or(eq(ai.id, query), containsText(ai.emailAddress, query)) : undefined,
    );
  }

  async get(invitationId: string): Promise<ApplicationInvitation> {
    const [row] = await this.ctx.db.select().from(ai).where(eq(ai.id, invitationId));
    if (!row) throw notFound('invitation', invitationId);
    return this.toDomain(row);
  }

  async revoke(invitationId: string): Promise<ApplicationInvitation> {
    const now = this.ctx.now();
    const row = await this.ctx.db.transaction(async (tx) => {
      const [revoked] = await tx
        .update(ai)
        .set({ status: 'revoked', tokenHash: null, updatedAt: now })
        .where(and(eq(ai.id, invitationId), statusFilter(ai, ['pending'], now)))
        .returning();
      if (revoked) {
        const event = { invitationId, organizationId: null, type: 'revoked' as const };
        await recordEvents(tx, this.ctx.lifecycle, [event], now);
      }
      return revoked;
    });
    if (row) {
      this.ctx.onOutboxWrite?.();
      return this.toDomain(row, now);
    }
    throw notPending((await this.get(invitationId)).status, 'revoked');
  }

  /**
   * Deletes an invitation of any status with its history: its events and their outbox rows (the stored
   * copies of its emails, webhook deliveries not yet sent), in one transaction. Clerk's data erasure for
   * someone invited who never signed up; no webhook announces it. An email already being sent when this
   * commits still goes out; its outcome then has no row to record on.
   */
  async delete(invitationId: string): Promise<void> {
    const deleted = await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx.delete(ai).where(eq(ai.id, invitationId)).returning({ id: ai.id });
      if (!row) return row;
      // Lock its outbox rows first: a delivery recording its outcome right now holds one and adds an
      // `emailed` event as it commits. Waiting for it here lets the delete below see that event too;
      // an outcome recorded later finds no row, so writes no event.
      await tx
        .select({ id: outbox.id })
        .from(outbox)
        .innerJoin(invitationEvents, eq(invitationEvents.id, outbox.eventId))
        .where(eq(invitationEvents.invitationId, invitationId))
        .for('update', { of: outbox });
      await tx.delete(invitationEvents).where(eq(invitationEvents.invitationId, invitationId));
      return row;
    });
    if (!deleted) throw notFound('invitation', invitationId);
  }

  /**
   * Emails a pending invitation again with a new accept link; the old link stops working. With
   * `expiresInDays`, the invitation then expires that many days from now. The result's `url` is the new link.
   */
  async resend(
    invitationId: string,
    input: { expiresInDays?: number | null } = {},
  ): Promise<ApplicationInvitation> {
    const now = this.ctx.now();
    const expiresAt = input.expiresInDays == null ? undefined : expiresAtFrom(input.expiresInDays, now);
    const token = issueToken(invitationId);
    const resent = await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(ai)
        .set({ tokenHash: token.hash, updatedAt: now, ...(expiresAt ? { expiresAt } : {}) })
        .where(and(eq(ai.id, invitationId), statusFilter(ai, ['pending'], now)))
        .returning();
      if (!row) return null;
      const link = acceptLink(this.ctx.lifecycle.linkBase(row.redirectUrl), token.token);
      const event: InvitationEventSpec = {
        invitationId,
        organizationId: null,
        type: 'resent',
        data: { expires_at: row.expiresAt },
        email: { to: row.emailAddress, link },
      };
      await recordEvents(tx, this.ctx.lifecycle, [event], now);
      return { row, link };
    });
    if (!resent) throw notPending((await this.get(invitationId)).status, 'resent');
    this.ctx.onOutboxWrite?.();
    return this.toDomain(resent.row, now, resent.link);
  }

  private async insert(
    inputs: CreateApplicationInvitationInput[],
    bulk: boolean,
  ): Promise<ApplicationInvitation[]> {
    const now = this.ctx.now();
    const wrap = <T>(index: number, fn: () => T) => (bulk ? atItem(index, fn) : fn());
    const issued = inputs.map((input, index) => wrap(index, () => this.issue(input, now)));
    const rows = issued.map((i) => i.row);
    rejectRepeatedEmails(rows.map((r) => r.emailAddress));

    const taken = await this.ctx.db
      .select({ email: emailAddresses.emailAddress })
      .from(emailAddresses)
      .where(
        and(
          inArray(
            emailAddresses.emailAddress,
            rows.map((r) => r.emailAddress),
          ),
          eq(emailAddresses.verified, true),
        ),
      );
    const takenSet = new Set(taken.map((r) => r.email));
    rows.forEach((row, index) => {
      wrap(index, () => {
        const bypass = !bulk && inputs[index]!.ignoreExisting;
        if (takenSet.has(row.emailAddress) && !bypass) {
          throw invalidParam(
            'email_address',
            `A user with the email address ${row.emailAddress} already exists`,
            'form_identifier_exists',
          );
        }
      });
    });

    const replace = new Set(rows.filter((_, i) => inputs[i]!.ignoreExisting).map((r) => r.emailAddress));
    const inserted = await this.ctx.db.transaction(async (tx) => {
      const { inserted, events } = await this.insertPending(tx, rows, replace, now, bulk);
      await recordEvents(tx, this.ctx.lifecycle, [...events, ...issued.map((i) => i.event)], now);
      return inserted;
    });
    this.ctx.onOutboxWrite?.();
    return inserted.map((row, index) => this.toDomain(row, now, issued[index]!.link));
  }

  /** Validates one input into its row, with a fresh accept token, its link and its `created` event. */
  private issue(input: CreateApplicationInvitationInput, now: number) {
    const row: ApplicationInvitationRow = {
      id: newId('invitation', now),
      emailAddress: normalizeEmail(input.emailAddress),
      status: 'pending',
      publicMetadata: checkMetadata(input.publicMetadata, 'public_metadata'),
      redirectUrl: this.ctx.lifecycle.redirects.check(input.redirectUrl),
      notify: input.notify ?? true,
      locale: checkLocale(input.locale) ?? this.ctx.lifecycle.locale,
      tokenHash: null,
      userId: null,
      expiresAt: expiresAtFrom(input.expiresInDays, now),
      createdAt: now,
      updatedAt: now,
      nextReminderAt: null,
      remindersSent: 0,
      reminders: input.reminders !== false,
      reminderTokenHashes: null,
    };
    row.nextReminderAt = firstReminderAt(this.ctx.lifecycle.reminders, row, input.reminders);
    const token = issueToken(row.id);
    row.tokenHash = token.hash;
    const link = acceptLink(this.ctx.lifecycle.linkBase(row.redirectUrl), token.token);
    const event: InvitationEventSpec = {
      invitationId: row.id,
      organizationId: null,
      type: 'created',
      email: row.notify ? { to: row.emailAddress, link } : undefined,
    };
    return { row, link, event };
  }

  /**
   * Revokes the pending invitations that `ignore_existing` replaces, then inserts; returns the events
   * for what it revoked and for what it found expired.
   */
  private async insertPending(
    db: Database,
    rows: ApplicationInvitationRow[],
    replace: Set<string>,
    now: number,
    bulk: boolean,
  ) {
    const revoked = replace.size
      ? await db
          .update(ai)
          .set({ status: 'revoked', tokenHash: null, updatedAt: now })
          .where(and(inArray(ai.emailAddress, [...replace]), statusFilter(ai, ['pending'], now)))
          .returning({ id: ai.id })
      : [];
    const { inserted, expired } = await insertPendingInvitations(db, ai, rows, { now, bulk });
    const event = (type: 'revoked' | 'expired') => (invitationId: string) => ({
      invitationId,
      organizationId: null,
      type,
    });
    const events: InvitationEventSpec[] = [
      ...revoked.map((r) => event('revoked')(r.id)),
      ...expired.map(event('expired')),
    ];
    return { inserted, events };
  }

  /** `url` (the accept link) is known only when the token was just issued: only its hash is stored. */
  private toDomain(
    row: ApplicationInvitationRow,
    now = this.ctx.now(),
    url: string | null = null,
  ): ApplicationInvitation {
    return {
      id: row.id,
      emailAddress: row.emailAddress,
      status: effectiveStatus(row.status, row.expiresAt, now),
      publicMetadata: row.publicMetadata,
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
