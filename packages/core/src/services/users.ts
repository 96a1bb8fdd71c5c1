import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { normalizeEmail } from '../domain/email.js';
import { invalidParam, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { checkMetadata, type Metadata } from '../domain/metadata.js';
import type { DeletedObject, User } from '../domain/models.js';
import { isUniqueViolation } from '../domain/pg-errors.js';
import { type EmailAddressRow, emailAddresses, type UserRow, users } from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import { repointPrimaries } from './email-owners.js';
import { likePattern, type Page } from './listing.js';

export interface CreateUserInput {
  /** The first address becomes the primary one. Addresses are verified (admin-created). */
  emailAddresses?: string[];
  externalId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
  unsafeMetadata?: Metadata | null;
}

export interface UpdateUserInput {
  externalId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  primaryEmailAddressId?: string | null;
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
  unsafeMetadata?: Metadata | null;
}

export interface ListUsersInput extends Partial<Page> {
  emailAddresses?: string[];
  userIds?: string[];
  /** Substring of an email address or name, or an exact id. */
  query?: string;
  orderBy?: { field: 'created_at'; direction: 'asc' | 'desc' };
}

const emailTaken = (email: string) =>
  invalidParam('email_address', `${email} is taken by another user`, 'form_identifier_exists');

/** The minimal user directory invitations need: ids, names, email addresses, metadata. */
export class UsersService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(input: CreateUserInput): Promise<User> {
    const now = this.ctx.now();
    const emails = (input.emailAddresses ?? []).map((e) => normalizeEmail(e));
    if (new Set(emails).size !== emails.length) {
      throw invalidParam('email_address', 'The same email address is given twice', 'duplicate_record');
    }
    const id = newId('user', now);
    const emailRows = emails.map((emailAddress) => ({
      id: newId('emailAddress', now),
      userId: id,
      emailAddress,
      verified: true,
      createdAt: now,
      updatedAt: now,
    }));
    const row = {
      id,
      externalId: input.externalId ?? null,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      primaryEmailAddressId: emailRows[0]?.id ?? null,
      publicMetadata: checkMetadata(input.publicMetadata, 'public_metadata'),
      privateMetadata: checkMetadata(input.privateMetadata, 'private_metadata'),
      unsafeMetadata: checkMetadata(input.unsafeMetadata, 'unsafe_metadata'),
      createdAt: now,
      updatedAt: now,
    } satisfies UserRow;
    try {
      await this.ctx.db.transaction(async (tx) => {
        // Addresses given here are verified: unverified claims on them by other users are released.
        if (emails.length) {
          await tx.execute(sql`
WITH released AS (
  DELETE FROM email_addresses WHERE email_address IN (${sql.join(
    emails.map((e) => sql`${e}`),
    sql`, `,
  )}) AND NOT verified
  RETURNING id
)${repointPrimaries(sql`SELECT id FROM released`)}`);
        }
        await tx.insert(users).values(row);
        if (emailRows.length) await tx.insert(emailAddresses).values(emailRows);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_external_id_uidx')) {
        throw invalidParam(
          'external_id',
          `external_id ${input.externalId} is taken`,
          'form_identifier_exists',
        );
      }
      if (isUniqueViolation(err)) {
        const taken = await this.ctx.db
          .select({ email: emailAddresses.emailAddress })
          .from(emailAddresses)
          .where(and(inArray(emailAddresses.emailAddress, emails), eq(emailAddresses.verified, true)));
        throw emailTaken(taken[0]?.email ?? emails.join(', '));
      }
      throw err;
    }
    return toUser(row, emailRows);
  }

  async get(userId: string): Promise<User> {
    const [user] = await this.load([userId]);
    if (!user) throw notFound('user', userId);
    return user;
  }

  /** Newest first by default; a plain array, as Clerk's endpoint returns. */
  async list(input: ListUsersInput = {}): Promise<User[]> {
    const emails = input.emailAddresses?.map((e) => normalizeEmail(e));
    const query = input.query?.trim();
    const dir = input.orderBy?.direction === 'asc' ? asc : desc;
    const ids = await this.ctx.db
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          input.userIds?.length ? inArray(users.id, input.userIds) : undefined,
          emails?.length
            ? inArray(
                users.id,
                this.ctx.db
                  .select({ id: emailAddresses.userId })
                  .from(emailAddresses)
                  .where(
                    and(inArray(emailAddresses.emailAddress, emails), eq(emailAddresses.verified, true)),
                  ),
              )
            : undefined,
          query
            ? or(
                eq(users.id, query),
                sql`${users.firstName} ilike ${likePattern(query)}`,
                sql`${users.lastName} ilike ${likePattern(query)}`,
                inArray(
                  users.id,
                  this.ctx.db
                    .select({ id: emailAddresses.userId })
                    .from(emailAddresses)
                    .where(
                      and(
                        sql`${emailAddresses.emailAddress} ilike ${likePattern(query.toLowerCase())}`,
                        eq(emailAddresses.verified, true),
                      ),
                    ),
                ),
              )
            : undefined,
        ),
      )
      .orderBy(dir(users.createdAt), dir(users.id))
      .limit(input.limit ?? 10)
      .offset(input.offset ?? 0);
    return this.load(ids.map((r) => r.id));
  }

  async update(userId: string, input: UpdateUserInput): Promise<User> {
    const now = this.ctx.now();
    if (input.primaryEmailAddressId) {
      const [owned] = await this.ctx.db
        .select({ id: emailAddresses.id })
        .from(emailAddresses)
        .where(and(eq(emailAddresses.id, input.primaryEmailAddressId), eq(emailAddresses.userId, userId)));
      if (!owned) {
        throw invalidParam(
          'primary_email_address_id',
          `${input.primaryEmailAddressId} is not an address of this user`,
        );
      }
    }
    const set: Partial<UserRow> = { updatedAt: now };
    if (input.externalId !== undefined) set.externalId = input.externalId;
    if (input.firstName !== undefined) set.firstName = input.firstName;
    if (input.lastName !== undefined) set.lastName = input.lastName;
    if (input.primaryEmailAddressId) set.primaryEmailAddressId = input.primaryEmailAddressId;
    if (input.publicMetadata != null)
      set.publicMetadata = checkMetadata(input.publicMetadata, 'public_metadata');
    if (input.privateMetadata != null)
      set.privateMetadata = checkMetadata(input.privateMetadata, 'private_metadata');
    if (input.unsafeMetadata != null)
      set.unsafeMetadata = checkMetadata(input.unsafeMetadata, 'unsafe_metadata');
    try {
      const updated = await this.ctx.db
        .update(users)
        .set(set)
        .where(eq(users.id, userId))
        .returning({ id: users.id });
      if (updated.length === 0) throw notFound('user', userId);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw invalidParam(
          'external_id',
          `external_id ${input.externalId} is taken`,
          'form_identifier_exists',
        );
      }
      throw err;
    }
    return this.get(userId);
  }

  async delete(userId: string): Promise<DeletedObject> {
    const deleted = await this.ctx.db.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
    if (deleted.length === 0) throw notFound('user', userId);
    return { object: 'user', id: userId, deleted: true };
  }

  /** Users with their email addresses, in the order of `ids`. */
  private async load(ids: string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const [userRows, emailRows] = await Promise.all([
      this.ctx.db.select().from(users).where(inArray(users.id, ids)),
      this.ctx.db
        .select()
        .from(emailAddresses)
        .where(inArray(emailAddresses.userId, ids))
        .orderBy(asc(emailAddresses.createdAt), asc(emailAddresses.id)),
    ]);
    const byId = new Map(userRows.map((u) => [u.id, u]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row
        ? [
            toUser(
              row,
              emailRows.filter((e) => e.userId === id),
            ),
          ]
        : [];
    });
  }
}

function toUser(row: UserRow, emails: EmailAddressRow[]): User {
  return {
    id: row.id,
    externalId: row.externalId,
    firstName: row.firstName,
    lastName: row.lastName,
    primaryEmailAddressId: row.primaryEmailAddressId,
    emailAddresses: emails.map((e) => ({
      id: e.id,
      emailAddress: e.emailAddress,
      verified: e.verified,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    })),
    publicMetadata: row.publicMetadata,
    privateMetadata: row.privateMetadata,
    unsafeMetadata: row.unsafeMetadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
