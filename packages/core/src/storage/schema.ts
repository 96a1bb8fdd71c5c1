import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Metadata } from '../domain/metadata.js';

// Timestamps are Unix milliseconds, as on the wire; `mode: 'number'` keeps them plain numbers.
const millis = (name: string) => bigint(name, { mode: 'number' });
const metadata = (name: string) => jsonb(name).$type<Metadata>().notNull().default({});
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});
/** SHA-256 of an accept token's secret part; the token itself is never stored (domain/tokens.ts). */
const tokenHash = () => bytea('token_hash');
/**
 * Invitekit reminders (domain/reminders.ts): when the next one falls due (null: none to come, e.g. `notify`
 * false or opted out) and how many were sent. `reminders` is false when the create said `reminders: false`:
 * an edit that changes `expires_at` recomputes `next_reminder_at`, and must not undo the opt-out.
 * `reminder_token_hashes` keeps the hashes a reminder replaced,
 * so the links of earlier emails still work (at most one per reminder sent); a trigger (migration
 * 0015) empties it on any other change of `token_hash` (resend, an edit with `notify`, accept, revoke)
 * and when the invitation leaves `pending`.
 */
const reminderColumns = () => ({
  nextReminderAt: millis('next_reminder_at'),
  remindersSent: integer('reminders_sent').notNull().default(0),
  reminders: boolean('reminders').notNull().default(true),
  reminderTokenHashes: bytea('reminder_token_hashes').array(),
});

export const organizations = pgTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    createdBy: text('created_by'),
    maxAllowedMemberships: integer('max_allowed_memberships').notNull().default(0),
    adminDeleteEnabled: boolean('admin_delete_enabled').notNull().default(true),
    /** Invitekit extension: the default BCP 47 locale of its invitations (null: the configured one). */
    locale: text('locale'),
    publicMetadata: metadata('public_metadata'),
    privateMetadata: metadata('private_metadata'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('organizations_slug_uidx').on(t.slug),
    index('organizations_created_idx').on(t.createdAt, t.id),
  ],
);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    externalId: text('external_id'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    primaryEmailAddressId: text('primary_email_address_id'),
    publicMetadata: metadata('public_metadata'),
    privateMetadata: metadata('private_metadata'),
    unsafeMetadata: metadata('unsafe_metadata'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('users_external_id_uidx').on(t.externalId),
    index('users_created_idx').on(t.createdAt, t.id),
  ],
);

export const emailAddresses = pgTable(
  'email_addresses',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Normalised (trimmed, lower-case); one owner per address across the instance. */
    emailAddress: text('email_address').notNull(),
    verified: boolean('verified').notNull().default(true),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('email_addresses_email_uidx').on(t.emailAddress),
    index('email_addresses_user_idx').on(t.userId, t.createdAt),
  ],
);

// Tables holding an organization's rows lead with `organization_id` in their keys, so they can be
// distributed by organization (Citus-style) once one database is not enough.
export const memberships = pgTable(
  'organization_memberships',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    publicMetadata: metadata('public_metadata'),
    privateMetadata: metadata('private_metadata'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex('organization_memberships_user_uidx').on(t.organizationId, t.userId),
    index('organization_memberships_created_idx').on(t.organizationId, t.createdAt, t.id),
    index('organization_memberships_user_idx').on(t.userId),
  ],
);

export const organizationInvitations = pgTable(
  'organization_invitations',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    emailAddress: text('email_address').notNull(),
    role: text('role').notNull(),
    /** Stored status; `expired` is also derived from `expires_at` on every read. */
    status: text('status').notNull().default('pending'),
    inviterId: text('inviter_id').references(() => users.id, { onDelete: 'set null' }),
    publicMetadata: metadata('public_metadata'),
    privateMetadata: metadata('private_metadata'),
    redirectUrl: text('redirect_url'),
    notify: boolean('notify').notNull().default(true),
    /** BCP 47, canonical; what its emails and the hosted page render in (null: the configured locale). */
    locale: text('locale'),
    tokenHash: tokenHash(),
    /** Set on automatic invitations (verified domains): kept out of the organization's list and counts. */
    organizationDomainId: text('organization_domain_id'),
    expiresAt: millis('expires_at').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    ...reminderColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    // The reminder sweeper's scan (delivery/reminders.ts): only invitations with a reminder to come.
    index('organization_invitations_next_reminder_idx')
      .on(t.nextReminderAt)
      .where(sql`${t.status} = 'pending' AND ${t.nextReminderAt} IS NOT NULL`),
    index('organization_invitations_domain_idx')
      .on(t.organizationId, t.organizationDomainId)
      .where(sql`${t.organizationDomainId} IS NOT NULL`),
    // An accept token names its invitation by id alone (the token's selector part).
    uniqueIndex('organization_invitations_id_uidx').on(t.id),
    // The sweeper's scan of pending invitations past expiry, and one organization's of them (index-only for
    // a count): a status filter's total_count is the counters below corrected by these (invitation-counts.ts).
    // The organization is the expression `organization_id || ''`, which only this index holds: a generic
    // plan (the prepared list statements) that matched `organization_id` itself would take another index
    // and read all of a large organization's pending rows to find the few past expiry.
    index('organization_invitations_pending_expiry_idx')
      .on(t.expiresAt, sql`(${t.organizationId} || '')`, t.organizationDomainId)
      .where(sql`${t.status} = 'pending'`),
    // One pending invitation per organization and address, enforced here rather than by read-then-write.
    uniqueIndex('organization_invitations_pending_uidx')
      .on(t.organizationId, t.emailAddress)
      .where(sql`${t.status} = 'pending'`),
    // Per-organization lists: order by created_at or email_address, optionally filtered by status or email.
    index('organization_invitations_org_created_idx').on(t.organizationId, t.createdAt, t.id),
    index('organization_invitations_org_email_idx').on(t.organizationId, t.emailAddress, t.createdAt),
    index('organization_invitations_org_status_idx').on(t.organizationId, t.status, t.createdAt),
    // A user's invitations (by their addresses), and the instance-wide list and its filters.
    index('organization_invitations_email_idx').on(t.emailAddress, t.createdAt),
    index('organization_invitations_created_idx').on(t.createdAt, t.id),
    index('organization_invitations_status_idx').on(t.status, t.createdAt),
    // The instance-wide `query` substring search (listing.ts, containsPattern): without it, both the page
    // and its exact total_count read the whole table (bench/README.md, "At scale").
    index('organization_invitations_email_trgm_idx').using('gin', sql`${t.emailAddress} gin_trgm_ops`),
  ],
);

/**
 * Exact number of invitations per organization, in all and by stored status, kept by triggers in the same
 * transaction as each insert, delete or status change (migrations 0003, 0006, 0010 and 0017), so a list's
 * `total_count` without an email filter needs no count over every row. Spread over up to 64 shards, one per connection (by process id), so concurrent creates in one
 * organization do not queue on one row.
 */
export const organizationInvitationCounts = pgTable(
  'organization_invitation_counts',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    shard: smallint('shard').notNull(),
    total: integer('total').notNull(),
    // By stored status (migration 0017); pending rows past `expires_at` are still counted as pending here.
    pending: integer('pending').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    revoked: integer('revoked').notNull().default(0),
    expired: integer('expired').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.shard] })],
);

export const applicationInvitations = pgTable(
  'application_invitations',
  {
    id: text('id').primaryKey(),
    emailAddress: text('email_address').notNull(),
    status: text('status').notNull().default('pending'),
    publicMetadata: metadata('public_metadata'),
    redirectUrl: text('redirect_url'),
    notify: boolean('notify').notNull().default(true),
    /** BCP 47, canonical; what its emails and the hosted page render in (null: the configured locale). */
    locale: text('locale'),
    tokenHash: tokenHash(),
    /** The user who accepted it. */
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: millis('expires_at').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    ...reminderColumns(),
  },
  (t) => [
    index('application_invitations_next_reminder_idx')
      .on(t.nextReminderAt)
      .where(sql`${t.status} = 'pending' AND ${t.nextReminderAt} IS NOT NULL`),
    uniqueIndex('application_invitations_pending_uidx')
      .on(t.emailAddress)
      .where(sql`${t.status} = 'pending'`),
    index('application_invitations_created_idx').on(t.createdAt, t.id),
    index('application_invitations_email_idx').on(t.emailAddress, t.createdAt),
    index('application_invitations_expires_idx').on(t.expiresAt, t.id),
    index('application_invitations_status_idx').on(t.status, t.createdAt),
  ],
);

/**
 * Everything that happened to an invitation, in order: created, emailed, delivery_failed, resent,
 * accepted, declined, revoked, expired. Events that notify someone carry a `snapshot` of the invitation
 * as it was right after the change (taken in SQL in the same transaction, migration 0004), from which the
 * dispatcher renders emails and webhook payloads; so a webhook never shows a later state than its event.
 */
export const invitationEvents = pgTable(
  'invitation_events',
  {
    id: text('id').primaryKey(),
    invitationId: text('invitation_id').notNull(),
    /** Null for application invitations. */
    organizationId: text('organization_id'),
    type: text('type').notNull(),
    /** Facts about the event: the accepting user, a delivery error. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('invitation_events_invitation_idx').on(t.invitationId, t.createdAt, t.id)],
);

/**
 * The transactional outbox: emails and webhook deliveries written in the same transaction as the change
 * that causes them, delivered by the dispatcher with retries. Rows are claimed with FOR UPDATE SKIP LOCKED
 * and leased through `next_attempt_at`, so several processes never send one twice.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => invitationEvents.id, { onDelete: 'cascade' }),
    /** `email` or `webhook`. */
    kind: text('kind').notNull(),
    /** The recipient address, or the webhook endpoint URL. */
    target: text('target').notNull(),
    /** The accept link (it holds the token), kept only until the email is sent or given up. */
    link: text('link'),
    /** pending | delivered | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: millis('next_attempt_at').notNull(),
    lastError: text('last_error'),
    deliveredAt: millis('delivered_at'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    index('outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('outbox_event_idx').on(t.eventId),
  ],
);

/**
 * Invitekit extension: an organization's reminder setting; no row means reminders on. Read by the
 * reminder sweeper when a reminder falls due (delivery/reminders.ts).
 */
export const organizationReminderSettings = pgTable('organization_reminder_settings', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull(),
  updatedAt: millis('updated_at').notNull(),
});

/**
 * Rate-limit counters, in the layout of rate-limiter-flexible's Drizzle store (services/limits.ts): one
 * row per limited key (an inviter, a client address) and window, shared by every server process.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull().default(0),
    expire: timestamp('expire', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('rate_limits_expire_idx').on(t.expire)],
);

/**
 * Invitekit extension: `Idempotency-Key` records (services/idempotency.ts). One per caller scope, method,
 * path and key: a reservation while the first request runs (`holder` set, `status` null), then its stored
 * response. Rows past `expires_at` are dead and swept.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    holder: text('holder'),
    lockedUntil: millis('locked_until'),
    status: smallint('status'),
    body: text('body'),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.method, t.path, t.key] }),
    index('idempotency_keys_expires_at_idx').on(t.expiresAt),
  ],
);

/** Verified domains (Clerk's organization domains): people at the domain are invited or suggested. */
export const organizationDomains = pgTable(
  'organization_domains',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    /** UTS #46 ASCII, lower case (domain/organization-domains.ts normalizeDomainName). */
    name: text('name').notNull(),
    enrollmentMode: text('enrollment_mode').notNull(),
    verified: boolean('verified').notNull().default(false),
    /** `admin` | `email_address`; null while unverified. */
    verificationStrategy: text('verification_strategy'),
    verifiedAt: millis('verified_at'),
    affiliationEmailAddress: text('affiliation_email_address'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex('organization_domains_id_uidx').on(t.id),
    uniqueIndex('organization_domains_org_name_uidx').on(t.organizationId, t.name),
    // A domain is verified by one organization at a time; enrollment looks domains up by name.
    uniqueIndex('organization_domains_verified_name_uidx').on(t.name).where(sql`${t.verified}`),
  ],
);

/** A person whose verified address is at an `automatic_suggestion` domain may ask to join. */
export const organizationSuggestions = pgTable(
  'organization_suggestions',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationDomainId: text('organization_domain_id'),
    /** pending | accepted */
    status: text('status').notNull().default('pending'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex('organization_suggestions_id_uidx').on(t.id),
    // One suggestion per organization and person, ever: enrollment runs again and must not repeat it.
    uniqueIndex('organization_suggestions_user_uidx').on(t.organizationId, t.userId),
    index('organization_suggestions_user_idx').on(t.userId, t.createdAt),
  ],
);

/** An accepted suggestion asks the organization's admins to let the person in. */
export const organizationMembershipRequests = pgTable(
  'organization_membership_requests',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** pending | accepted | rejected */
    status: text('status').notNull().default('pending'),
    /** The role granted on acceptance; null: the default role at that time (suggestions). */
    role: text('role'),
    /** Set when a join link that requires approval made the request: its use is settled with it. */
    joinLinkId: text('join_link_id'),
    joinLinkUseId: text('join_link_use_id'),
    /** The admin who decided, when known (Frontend API, or `requesting_user_id` on the Backend API). */
    decidedBy: text('decided_by'),
    decidedAt: millis('decided_at'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex('organization_membership_requests_join_link_use_uidx').on(t.organizationId, t.joinLinkUseId),
    uniqueIndex('organization_membership_requests_pending_uidx')
      .on(t.organizationId, t.userId)
      .where(sql`${t.status} = 'pending'`),
    index('organization_membership_requests_org_idx').on(t.organizationId, t.status, t.createdAt),
  ],
);

/**
 * Invitekit extension: shareable join links (services/join-links.ts). Anyone signed in with a verified
 * address (optionally on an allowed domain) joins the organization with the link's role. `uses_count` is
 * only ever raised by a conditional UPDATE (`uses_count < max_uses`), so uses stay exact across processes.
 */
export const organizationJoinLinks = pgTable(
  'organization_join_links',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    role: text('role').notNull(),
    /** active | revoked (expired and used up are derived on read). */
    status: text('status').notNull().default('active'),
    tokenHash: tokenHash().notNull(),
    /** Null: unlimited. */
    maxUses: integer('max_uses'),
    /** Joins plus approval requests not rejected. */
    usesCount: integer('uses_count').notNull().default(0),
    /** Normalised (ASCII, lower-case) domains; empty: any domain. */
    allowedEmailDomains: jsonb('allowed_email_domains').$type<string[]>().notNull().default([]),
    requireApproval: boolean('require_approval').notNull().default(false),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: millis('expires_at'),
    revokedAt: millis('revoked_at'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    // A join token names its link by id alone.
    uniqueIndex('organization_join_links_id_uidx').on(t.id),
    index('organization_join_links_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  ],
);

/**
 * Each use of a join link: who, with which verified address, when; `joined` at once, or `pending` until an
 * admin approves (`joined`) or rejects (`rejected`) it. One use per link and person.
 */
export const organizationJoinLinkUses = pgTable(
  'organization_join_link_uses',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    joinLinkId: text('join_link_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emailAddress: text('email_address').notNull(),
    /** joined | pending | rejected */
    status: text('status').notNull(),
    membershipId: text('membership_id'),
    decidedBy: text('decided_by'),
    decidedAt: millis('decided_at'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex('organization_join_link_uses_link_user_uidx').on(t.organizationId, t.joinLinkId, t.userId),
    index('organization_join_link_uses_link_created_idx').on(t.organizationId, t.joinLinkId, t.createdAt),
  ],
);

export type OrganizationRow = typeof organizations.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type EmailAddressRow = typeof emailAddresses.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;
/** `reminders` may be left out of a row to insert: the column's default (true) then applies. */
type WithOptionalReminders<Row extends { reminders: boolean }> = Omit<Row, 'reminders'> & {
  reminders?: boolean;
};
export type OrganizationInvitationRow = WithOptionalReminders<typeof organizationInvitations.$inferSelect>;
export type ApplicationInvitationRow = WithOptionalReminders<typeof applicationInvitations.$inferSelect>;
export type InvitationEventRow = typeof invitationEvents.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type OrganizationJoinLinkRow = typeof organizationJoinLinks.$inferSelect;
export type OrganizationJoinLinkUseRow = typeof organizationJoinLinkUses.$inferSelect;

/**
 * Invitekit extension, large imports (services/invitation-imports.ts): one row per import job. Its status
 * and per-result counts are read from its rows, which the import worker updates in the same transaction
 * as the invitations it creates.
 */
export const invitationImports = pgTable(
  'invitation_imports',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    /** queued | running | completed */
    status: text('status').notNull().default('queued'),
    inviterId: text('inviter_id').references(() => users.id, { onDelete: 'set null' }),
    notify: boolean('notify').notNull().default(true),
    redirectUrl: text('redirect_url'),
    expiresInDays: integer('expires_in_days'),
    totalRows: integer('total_rows').notNull(),
    /** When the next paced email of this import may go (emails are spread at `imports.emailsPerSecond`). */
    nextEmailAt: millis('next_email_at').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    completedAt: millis('completed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex('invitation_imports_id_uidx').on(t.id),
  ],
);

/** An import's rows as uploaded, each done exactly once: `pending` until a batch writes its result. */
export const invitationImportRows = pgTable(
  'invitation_import_rows',
  {
    organizationId: text('organization_id').notNull(),
    importId: text('import_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    emailAddress: text('email_address').notNull(),
    role: text('role'),
    publicMetadata: metadata('public_metadata'),
    privateMetadata: metadata('private_metadata'),
    /** BCP 47 tag from the file, canonicalised. */
    locale: text('locale'),
    /** pending | done */
    status: text('status').notNull().default('pending'),
    result: text('result'),
    reason: text('reason'),
    invitationId: text('invitation_id'),
    processedAt: millis('processed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.importId, t.rowNumber] }),
    foreignKey({
      name: 'invitation_import_rows_import_fk',
      columns: [t.organizationId, t.importId],
      foreignColumns: [invitationImports.organizationId, invitationImports.id],
    }).onDelete('cascade'),
    // The worker's claim: the oldest import's next pending rows.
    index('invitation_import_rows_pending_idx')
      .on(t.importId, t.rowNumber)
      .where(sql`${t.status} = 'pending'`),
  ],
);
