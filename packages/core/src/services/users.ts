import { and, asc, count, desc, eq, gt, inArray, lt, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { normalizeEmail } from '../domain/email.js';
import { invalidParam, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { checkMetadata, type Metadata, mergeMetadata } from '../domain/metadata.js';
import type { DeletedObject, User } from '../domain/models.js';
import { isUniqueViolation } from '../domain/pg-errors.js';
import { repointPrimaries } from '../storage/email-owners.js';
import { type EmailAddressRow, emailAddresses, memberships, type UserRow, users } from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import { likePattern, type Page, signedIds } from './listing.js';
import { nameContains, primaryEmailOf } from './public-user.js';

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

/** Which users a list or count covers (Clerk's `GET /users` and `GET /users/count` filters). */
export interface UserFilter {
  emailAddresses?: string[];
  userIds?: string[];
  externalIds?: string[];
  /** Members (`+org_…` or a bare id) or non-members (`-org_…`) of these organizations. */
  organizationIds?: string[];
  /** Exact id, or a substring of an email address or name. */
  query?: string;
  emailAddressQuery?: string;
  nameQuery?: string;
  createdAtBefore?: number;
  createdAtAfter?: number;
  /**
   * A filter on what Invitekit's users never have (phone numbers, usernames, web3 wallets, external
   * accounts, sign-in activity, bans) asked for some: nothing matches, as in a Clerk instance where no
   * user has one.
   */
  matchNone?: boolean;
}

/**
 * Clerk's user orderings. Invitekit's users have no phone number, username, wallet or activity, so
 * ordering by those falls through to the creation time, as ordering by an all-null column does.
 */
export type UserOrderField =
  | 'created_at'
  | 'updated_at'
  | 'email_address'
  | 'first_name'
  | 'last_name'
  | 'phone_number'
  | 'username'
  | 'web3wallet'
  | 'last_active_at'
  | 'last_sign_in_at';

export interface ListUsersInput extends Partial<Page>, UserFilter {
  orderBy?: { field: UserOrderField; direction: 'asc' | 'desc' };
}

export interface UserMetadataInput {
  publicMetadata?: Metadata | null;
  privateMetadata?: Metadata | null;
  unsafeMetadata?: Metadata | null;
}

const emailTaken = (email: string) =>
  invalidParam('email_address', `${email} is taken by another user`, 'form_identifier_exists');

/** The minimal user directory invitations need: ids, names, email addresses, metadata. */
export class UsersService {
  constructor(
    private readonly ctx: ServiceContext,
    /** Verified-domain enrollment (services/organization-domains.ts), run once a user is created. */
    private readonly deps: { enroll?: (userId: string) => Promise<unknown> } = {},
  ) {}

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
    if (emailRows.length) await this.deps.enroll?.(id);
    return toUser(row, emailRows);
  }

  async get(userId: string): Promise<User> {
    const [user] = await this.load([userId]);
    if (!user) throw notFound('user', userId);
    return user;
  }

  /** Newest first by default; a plain array, as Clerk's endpoint returns. */
  async list(input: ListUsersInput = {}): Promise<User[]> {
    if (input.matchNone) return [];
    const dir = input.orderBy?.direction === 'asc' ? asc : desc;
    const field = input.orderBy?.field;
    const column =
      field === 'updated_at'
        ? users.updatedAt
        : field === 'email_address'
          ? primaryEmailOf()
          : field === 'first_name'
            ? users.firstName
            : field === 'last_name'
              ? users.lastName
              : undefined;
    const ids = await this.ctx.db
      .select({ id: users.id })
      .from(users)
      .where(this.filter(input))
      .orderBy(...(column ? [dir(column)] : []), dir(users.createdAt), dir(users.id))
      .limit(input.limit ?? 10)
      .offset(input.offset ?? 0);
    return this.load(ids.map((r) => r.id));
  }

  /** How many users match (Clerk's `GET /users/count`, which `getUserList` calls beside the list). */
  async count(filter: UserFilter = {}): Promise<number> {
    if (filter.matchNone) return 0;
    const [row] = await this.ctx.db.select({ n: count() }).from(users).where(this.filter(filter));
    return row?.n ?? 0;
  }

  /** Deep-merges metadata (Clerk's `PATCH /users/{id}/metadata`); `null` removes a key at any level. */
  mergeMetadata(userId: string, input: UserMetadataInput): Promise<User> {
    return this.writeMetadata(userId, input, mergeMetadata);
  }

  /** Replaces each given metadata object whole (Clerk's `PUT /users/{id}/metadata`); `null` clears it. */
  replaceMetadata(userId: string, input: UserMetadataInput): Promise<User> {
    return this.writeMetadata(userId, input, (_current, next) => next);
  }

  private async writeMetadata(
    userId: string,
    input: UserMetadataInput,
    combine: (current: Metadata, next: Metadata) => Metadata,
  ): Promise<User> {
    await this.ctx.db.transaction(async (tx) => {
      const [current] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
      if (!current) throw notFound('user', userId);
      const set: Partial<UserRow> = { updatedAt: this.ctx.now() };
      for (const [key, param] of [
        ['publicMetadata', 'public_metadata'],
        ['privateMetadata', 'private_metadata'],
        ['unsafeMetadata', 'unsafe_metadata'],
      ] as const) {
        const next = input[key];
        if (next !== undefined) set[key] = checkMetadata(combine(current[key], next ?? {}), param);
      }
      await tx.update(users).set(set).where(eq(users.id, userId));
    });
    return this.get(userId);
  }

  private filter(f: UserFilter): SQL | undefined {
    const emails = f.emailAddresses?.map((e) => normalizeEmail(e));
    const query = f.query?.trim();
    // Only verified addresses own a user: an unverified one never resolves anybody.
    const withEmail = (where: SQL) =>
      inArray(
        users.id,
        this.ctx.db
          .select({ id: emailAddresses.userId })
          .from(emailAddresses)
          .where(and(where, eq(emailAddresses.verified, true))),
      );
    const emailLike = (q: string) =>
      withEmail(sql`${emailAddresses.emailAddress} ilike ${likePattern(q.toLowerCase())}`);
    const { include, exclude } = signedIds(f.organizationIds);
    const membersOf = (orgIds: string[]) =>
      this.ctx.db
        .select({ id: memberships.userId })
        .from(memberships)
        .where(inArray(memberships.organizationId, orgIds));
    return and(
      f.userIds?.length ? inArray(users.id, f.userIds) : undefined,
      f.externalIds?.length ? inArray(users.externalId, f.externalIds) : undefined,
      emails?.length ? withEmail(inArray(emailAddresses.emailAddress, emails)) : undefined,
      include.length ? inArray(users.id, membersOf(include)) : undefined,
      exclude.length ? notInArray(users.id, membersOf(exclude)) : undefined,
      query ? or(eq(users.id, query), nameContains(query), emailLike(query)) : undefined,
      f.emailAddressQuery ? emailLike(f.emailAddressQuery) : undefined,
      f.nameQuery ? nameContains(f.nameQuery) : undefined,
      f.createdAtBefore !== undefined ? lt(users.createdAt, f.createdAtBefore) : undefined,
      f.createdAtAfter !== undefined ? gt(users.createdAt, f.createdAtAfter) : undefined,
    );
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

  /**
   * Deletes the user with their email addresses and memberships (as Clerk does, even for an
   * organization's last admin). Invitations they sent stay, with no inviter; invitations addressed to
   * their email stay too: they were sent to an address, not to the user.
   */
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
