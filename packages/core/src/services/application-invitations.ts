import { and, eq, inArray, or } from 'drizzle-orm';
import { normalizeEmail } from '../domain/email.js';
import { InvitekitError, invalidParam, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { checkMetadata, type Metadata } from '../domain/metadata.js';
import type { ApplicationInvitation } from '../domain/models.js';
import { effectiveStatus, expiresAtFrom, type InvitationStatus } from '../domain/status.js';
import type { Database } from '../storage/database.js';
import {
  type ApplicationInvitationRow,
  applicationInvitations as ai,
  emailAddresses,
} from '../storage/schema.js';
import { atItem, checkBulkSize, rejectRepeatedEmails } from './bulk.js';
import type { ServiceContext } from './context.js';
import { containsText, type OrderBy, orderClause, type Page, statusFilter } from './listing.js';
import { insertPendingInvitations } from './pending-insert.js';

export interface CreateApplicationInvitationInput {
  emailAddress: string;
  publicMetadata?: Metadata | null;
  redirectUrl?: string | null;
  notify?: boolean | null;
  /**
   * Create even if a pending invitation exists for the address (it is revoked and replaced) or, for a
   * single create, a user already owns it.
   */
  ignoreExisting?: boolean | null;
  expiresInDays?: number | null;
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
    const query = input.query?.trim();
    const order = input.orderBy ?? DEFAULT_ORDER;
    const rows = await this.ctx.db
      .select()
      .from(ai)
      .where(
        and(
          statusFilter(ai, input.statuses ?? [], now),
          query ? or(eq(ai.id, query), containsText(ai.emailAddress, query)) : undefined,
        ),
      )
      .orderBy(...orderClause(orderColumn[order.field], order.direction, ai.createdAt, ai.id))
      .limit(input.limit ?? 10)
      .offset(input.offset ?? 0);
    return rows.map((row) => this.toDomain(row, now));
  }

  async get(invitationId: string): Promise<ApplicationInvitation> {
    const [row] = await this.ctx.db.select().from(ai).where(eq(ai.id, invitationId));
    if (!row) throw notFound('invitation', invitationId);
    return this.toDomain(row);
  }

  async revoke(invitationId: string): Promise<ApplicationInvitation> {
    const now = this.ctx.now();
    const [row] = await this.ctx.db
      .update(ai)
      .set({ status: 'revoked', updatedAt: now })
      .where(and(eq(ai.id, invitationId), statusFilter(ai, ['pending'], now)))
      .returning();
    if (row) return this.toDomain(row, now);
    const current = await this.get(invitationId);
    throw new InvitekitError({
      code: 'invitation_not_pending',
      message: 'not pending',
      longMessage: `Only pending invitations can be revoked; this one is ${current.status}`,
      meta: { status: current.status },
    });
  }

  private async insert(
    inputs: CreateApplicationInvitationInput[],
    bulk: boolean,
  ): Promise<ApplicationInvitation[]> {
    const now = this.ctx.now();
    const wrap = <T>(index: number, fn: () => T) => (bulk ? atItem(index, fn) : fn());
    const rows = inputs.map((input, index) =>
      wrap(index, () => {
        return {
          id: newId('invitation', now),
          emailAddress: normalizeEmail(input.emailAddress),
          status: 'pending',
          publicMetadata: checkMetadata(input.publicMetadata, 'public_metadata'),
          redirectUrl: input.redirectUrl ?? null,
          notify: input.notify ?? true,
          expiresAt: expiresAtFrom(input.expiresInDays, now),
          createdAt: now,
          updatedAt: now,
        } satisfies ApplicationInvitationRow;
      }),
    );
    rejectRepeatedEmails(rows.map((r) => r.emailAddress));

    const taken = await this.ctx.db
      .select({ email: emailAddresses.emailAddress })
      .from(emailAddresses)
      .where(
        inArray(
          emailAddresses.emailAddress,
          rows.map((r) => r.emailAddress),
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
    const write = (db: Database) => this.insertPending(db, rows, replace, now, bulk);
    const inserted = bulk || replace.size ? await this.ctx.db.transaction(write) : await write(this.ctx.db);
    return inserted.map((row) => this.toDomain(row, now));
  }

  /** Revokes the pending invitations that `ignore_existing` replaces, then inserts. */
  private async insertPending(
    db: Database,
    rows: ApplicationInvitationRow[],
    replace: Set<string>,
    now: number,
    bulk: boolean,
  ): Promise<ApplicationInvitationRow[]> {
    if (replace.size) {
      await db
        .update(ai)
        .set({ status: 'revoked', updatedAt: now })
        .where(and(inArray(ai.emailAddress, [...replace]), eq(ai.status, 'pending')));
    }
    return insertPendingInvitations(db, ai, rows, { now, bulk });
  }

  private toDomain(row: ApplicationInvitationRow, now = this.ctx.now()): ApplicationInvitation {
    return {
      id: row.id,
      emailAddress: row.emailAddress,
      status: effectiveStatus(row.status, row.expiresAt, now),
      publicMetadata: row.publicMetadata,
      redirectUrl: row.redirectUrl,
      notify: row.notify,
      url: null,
      expiresAt: row.expiresAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
