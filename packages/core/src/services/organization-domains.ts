import { and, asc, count, desc, eq, inArray, isNotNull, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { canonicalEmail } from '../domain/email.js';
import { InvitekitError, invalidParam, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { AuthenticatedUser } from '../domain/models.js';
import {
  automaticEnrollmentModes,
  type DomainVerificationStrategy,
  domainAlreadyExists,
  domainQuotaExceeded,
  domainVerifiedElsewhere,
  type EnrollmentMode,
  emailDomain,
  MAX_DOMAINS_PER_ORGANIZATION,
  normalizeDomainName,
  type OrganizationDomain,
} from '../domain/organization-domains.js';
import { isUniqueViolation } from '../domain/pg-errors.js';
import { expiresAtFrom } from '../domain/status.js';
import type { Database } from '../storage/database.js';
import {
  emailAddresses,
  memberships,
  organizationDomains as od,
  organizationInvitations as oi,
  organizations,
  organizationSuggestions as os,
} from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import { recordEvents } from './effects.js';
import { verifiedEmails } from './identities.js';
import { containsText, type Page, type Paginated, statusFilter } from './listing.js';
import { checkMembershipQuota } from './membership-quota.js';
import { type ObjectEventSpec, recordObjectEvents } from './object-events.js';

export interface CreateOrganizationDomainInput {
  name: string;
  enrollmentMode?: EnrollmentMode | null;
  /** Backend API: verified unless `false` (Clerk's default). Ignored when `verifier` is given. */
  verified?: boolean | null;
  /**
   * Frontend API: the signed-in admin adding it. The domain is verified when one of their own verified
   * addresses is at the domain (that address becomes `affiliation_email_address`), unverified otherwise.
   */
  verifier?: AuthenticatedUser;
}

export interface UpdateOrganizationDomainInput {
  enrollmentMode?: EnrollmentMode | null;
  verified?: boolean | null;
  /** Revoke the domain's pending automatic invitations and drop its pending suggestions. */
  deletePending?: boolean | null;
}

export interface ListOrganizationDomainsInput extends Partial<Page> {
  verified?: boolean;
  /** Clerk's signed list: `automatic_invitation` includes, `-automatic_invitation` excludes. */
  enrollmentModes?: string[];
}

export interface ListAllOrganizationDomainsInput extends ListOrganizationDomainsInput {
  organizationId?: string;
  /** `org_…`: that organization exactly; otherwise part of the name, ignoring case. */
  query?: string;
  /** Exact names. */
  names?: string[];
  orderBy?: { field: 'name' | 'created_at'; direction: 'asc' | 'desc' };
}

/** The filters both lists share: verification and enrollment modes (`-mode` excludes). */
function filters(input: ListOrganizationDomainsInput): SQL | undefined {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const m of input.enrollmentModes ?? []) {
    (m.startsWith('-') ? exclude : include).push(m.replace(/^[-+]/, ''));
  }
  return and(
    input.verified === undefined ? undefined : eq(od.verified, input.verified),
    include.length ? inArray(od.enrollmentMode, include) : undefined,
    exclude.length ? notInArray(od.enrollmentMode, exclude) : undefined,
  );
}

const refuseSso = (mode: EnrollmentMode | null | undefined) => {
  if (mode === 'enterprise_sso') {
    throw invalidParam('enrollment_mode', 'enterprise_sso is not supported by Invitekit');
  }
};

/**
 * Verified domains (Clerk's organization domains): at most 10 per organization, no free or disposable
 * mail domains, a name verified by one organization at a time (a partial unique index), and enrollment:
 * people whose verified address is at a verified `automatic_invitation` domain get an invitation, at an
 * `automatic_suggestion` domain a suggestion (services/membership-requests.ts).
 */
export class OrganizationDomainsService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(organizationId: string, input: CreateOrganizationDomainInput): Promise<OrganizationDomain> {
    const now = this.ctx.now();
    const name = normalizeDomainName(input.name);
    refuseSso(input.enrollmentMode);
    let strategy: DomainVerificationStrategy | null = input.verified === false ? null : 'admin';
    let affiliation: string | null = null;
    if (input.verifier) {
      affiliation = verifiedEmails(input.verifier).find((e) => emailDomain(e) === name) ?? null;
      strategy = affiliation ? 'email_address' : null;
    }
    const id = newId('organizationDomain', now);
    await this.write(name, async (tx) => {
      // The organization's row is locked first, so concurrent creates count one after another.
      const [org] = await tx
        .select({ id: organizations.id })
        .from(organizations)
        .where(eq(organizations.id, organizationId))
        .for('update');
      if (!org) throw notFound('organization', organizationId);
      const [held] = await tx.select({ n: count() }).from(od).where(eq(od.organizationId, organizationId));
      if ((held?.n ?? 0) >= MAX_DOMAINS_PER_ORGANIZATION) throw domainQuotaExceeded();
      await tx.insert(od).values({
        organizationId,
        id,
        name,
        enrollmentMode: input.enrollmentMode ?? 'manual_invitation',
        verified: strategy !== null,
        verificationStrategy: strategy,
        verifiedAt: strategy ? now : null,
        affiliationEmailAddress: affiliation,
        createdAt: now,
        updatedAt: now,
      });
      return this.event(tx, organizationId, id, 'organizationDomain.created', now);
    });
    return this.get(organizationId, id);
  }

  async get(
    organizationId: string,
    domainId: string,
    db: Database = this.ctx.db,
  ): Promise<OrganizationDomain> {
    const [found] = await this.select(db)
      .where(and(eq(od.organizationId, organizationId), eq(od.id, domainId)))
      .limit(1);
    if (!found) throw notFound('organization domain', domainId);
    return found;
  }

  async list(
    organizationId: string,
    input: ListOrganizationDomainsInput = {},
  ): Promise<Paginated<OrganizationDomain>> {
    const page = await this.page(and(eq(od.organizationId, organizationId), filters(input)), input);
    if (!page.totalCount) {
      const [org] = await this.ctx.db
        .select({ id: organizations.id })
        .from(organizations)
        .where(eq(organizations.id, organizationId));
      if (!org) throw notFound('organization', organizationId);
    }
    return page;
  }

  /** Every organization's domains (Clerk's `GET /v1/organization_domains`), newest first by default. */
  async listAll(input: ListAllOrganizationDomainsInput = {}): Promise<Paginated<OrganizationDomain>> {
    const query = input.query?.trim();
    const where = and(
      input.organizationId ? eq(od.organizationId, input.organizationId) : undefined,
      query?.startsWith('org_') ? eq(od.organizationId, query) : undefined,
      query && !query.startsWith('org_') ? containsText(od.name, query) : undefined,
      input.names?.length
        ? inArray(
            od.name,
            input.names.map((n) => n.trim().toLowerCase()),
          )
        : undefined,
      filters(input),
    );
    return this.page(where, input);
  }

  async update(
    organizationId: string,
    domainId: string,
    input: UpdateOrganizationDomainInput,
  ): Promise<OrganizationDomain> {
    const now = this.ctx.now();
    refuseSso(input.enrollmentMode);
    const [current] = await this.ctx.db
      .select({ name: od.name })
      .from(od)
      .where(and(eq(od.organizationId, organizationId), eq(od.id, domainId)));
    if (!current) throw notFound('organization domain', domainId);
    const set: Partial<typeof od.$inferInsert> = { updatedAt: now };
    if (input.enrollmentMode) set.enrollmentMode = input.enrollmentMode;
    await this.write(current.name, async (tx) => {
      if (input.verified === false) {
        Object.assign(set, { verified: false, verificationStrategy: null, verifiedAt: null });
      }
      const [row] = await tx
        .update(od)
        .set(set)
        .where(and(eq(od.organizationId, organizationId), eq(od.id, domainId)))
        .returning({ id: od.id });
      if (!row) throw notFound('organization domain', domainId);
      // Verifying keeps an earlier verification's strategy and time.
      if (input.verified === true) {
        await tx
          .update(od)
          .set({ verified: true, verificationStrategy: 'admin', verifiedAt: now })
          .where(and(eq(od.organizationId, organizationId), eq(od.id, domainId), eq(od.verified, false)));
      }
      const revoked = input.deletePending ? await this.dropPending(tx, organizationId, domainId, now) : 0;
      const sent = await this.event(tx, organizationId, domainId, 'organizationDomain.updated', now);
      return sent || revoked > 0;
    });
    return this.get(organizationId, domainId);
  }

  /**
   * Frontend API: an admin verifies the domain with one of their own verified addresses at it (Invitekit
   * sends no code: the identity provider has verified the address already).
   */
  async verifyWithEmail(
    organizationId: string,
    domainId: string,
    admin: AuthenticatedUser,
    emailAddress: string,
  ): Promise<OrganizationDomain> {
    const now = this.ctx.now();
    const domain = await this.get(organizationId, domainId);
    const email = canonicalEmail(emailAddress) ?? '';
    if (emailDomain(email) !== domain.name || !verifiedEmails(admin).includes(email)) {
      throw invalidParam(
        'affiliation_email_address',
        `${emailAddress} is not a verified address of yours at ${domain.name}`,
      );
    }
    await this.write(domain.name, async (tx) => {
      await tx
        .update(od)
        .set({
          verified: true,
          verificationStrategy: 'email_address',
          verifiedAt: now,
          affiliationEmailAddress: email,
          updatedAt: now,
        })
        .where(and(eq(od.organizationId, organizationId), eq(od.id, domainId)));
      return this.event(tx, organizationId, domainId, 'organizationDomain.updated', now);
    });
    return this.get(organizationId, domainId);
  }

  /** Deletes the domain; its pending automatic invitations are revoked and its pending suggestions dropped. */
  async delete(organizationId: string, domainId: string): Promise<{ id: string }> {
    const now = this.ctx.now();
    const domain = await this.get(organizationId, domainId);
    const notify = await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .delete(od)
        .where(and(eq(od.organizationId, organizationId), eq(od.id, domainId)))
        .returning({ id: od.id });
      if (!row) throw notFound('organization domain', domainId);
      const revoked = await this.dropPending(tx, organizationId, domainId, now);
      const sent = await recordObjectEvents(
        tx,
        this.ctx.lifecycle,
        [
          {
            subjectId: domainId,
            organizationId,
            type: 'organizationDomain.deleted',
            subject: { organizationDomain: domain },
          },
        ],
        now,
      );
      return sent > 0 || revoked > 0;
    });
    if (notify) this.ctx.onOutboxWrite?.();
    return { id: domainId };
  }

  /**
   * Enrolls a user by their verified addresses: for each verified domain at one of them in an automatic
   * mode, an invitation (default role, no email: it shows in the person's own invitations, not in the
   * organization's list) or a suggestion, once per organization and person. Members are skipped, and so
   * is an organization whose membership quota is full. Called when a user is created through the Backend
   * API and whenever the Frontend API writes a signed-in person to the directory; host code may call it
   * too. Returns how many invitations and suggestions it created.
   */
  async enrollUser(userId: string): Promise<{ invitations: number; suggestions: number }> {
    const now = this.ctx.now();
    const candidates = await this.ctx.db
      .selectDistinctOn([od.organizationId], {
        organizationId: od.organizationId,
        domainId: od.id,
        mode: od.enrollmentMode,
        email: emailAddresses.emailAddress,
      })
      .from(emailAddresses)
      .innerJoin(
        od,
        and(
          eq(od.name, sql`split_part(${emailAddresses.emailAddress}, '@', 2)`),
          eq(od.verified, true),
          inArray(od.enrollmentMode, automaticEnrollmentModes),
        ),
      )
      .where(
        and(
          eq(emailAddresses.userId, userId),
          eq(emailAddresses.verified, true),
          sql`NOT EXISTS (SELECT 1 FROM ${memberships} m WHERE m.organization_id = ${od.organizationId} AND m.user_id = ${userId})`,
        ),
      )
      .orderBy(od.organizationId, emailAddresses.emailAddress);
    const done = { invitations: 0, suggestions: 0 };
    for (const c of candidates) {
      if (c.mode === 'automatic_suggestion') {
        const inserted = await this.ctx.db
          .insert(os)
          .values({
            organizationId: c.organizationId,
            id: newId('organizationSuggestion', now),
            userId,
            organizationDomainId: c.domainId,
            status: 'pending',
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: os.id });
        done.suggestions += inserted.length;
      } else if (await this.invite(c.organizationId, c.domainId, userId, c.email, now)) {
        done.invitations += 1;
      }
    }
    if (done.invitations > 0) this.ctx.onOutboxWrite?.();
    return done;
  }

  private async page(
    where: SQL | undefined,
    input: Partial<Page> & { orderBy?: ListAllOrganizationDomainsInput['orderBy'] },
  ): Promise<Paginated<OrganizationDomain>> {
    const order = input.orderBy ?? { field: 'created_at', direction: 'desc' };
    const dir = order.direction === 'asc' ? asc : desc;
    const [data, [total]] = await Promise.all([
      this.select(this.ctx.db)
        .where(where)
        .orderBy(...(order.field === 'name' ? [dir(od.name)] : []), dir(od.createdAt), dir(od.id))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.ctx.db.select({ n: count() }).from(od).where(where),
    ]);
    return { data, totalCount: total?.n ?? 0 };
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** One automatic invitation, counted against the membership quota in its transaction; false if none. */
  private async invite(organizationId: string, domainId: string, userId: string, email: string, now: number) {
    try {
      return await this.ctx.db.transaction(async (tx) => {
        await checkMembershipQuota(tx, organizationId, 1, now);
        // Once per organization and person: an earlier automatic invitation, whatever became of it, or
        // any pending invitation to one of their addresses, is enough. Two enrollments at once pass this
        // together (as a NOT EXISTS in the insert would); the pending index keeps one per address.
        const invited = tx
          .select({ one: sql`1` })
          .from(oi)
          .innerJoin(emailAddresses, eq(emailAddresses.emailAddress, oi.emailAddress))
          .where(
            and(
              eq(oi.organizationId, organizationId),
              eq(emailAddresses.userId, userId),
              or(isNotNull(oi.organizationDomainId), statusFilter(oi, ['pending'], now)),
            ),
          );
        const [org] = await tx
          .select({ locale: organizations.locale, invited: sql<boolean>`exists (${invited})` })
          .from(organizations)
          .where(eq(organizations.id, organizationId));
        if (!org || org.invited) return false;
        const id = newId('organizationInvitation', now);
        // Not emailed (`notify` false), so no reminders: `next_reminder_at` stays null. The locale is the
        // organization's, else the configured one, as for any invitation that names none.
        const [row] = await tx
          .insert(oi)
          .values({
            organizationId,
            id,
            emailAddress: email,
            role: this.ctx.roles.defaultKey(),
            notify: false,
            locale: org.locale ?? this.ctx.lifecycle.locale,
            organizationDomainId: domainId,
            expiresAt: expiresAtFrom(undefined, now),
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: oi.id });
        if (!row) return false;
        await recordEvents(
          tx,
          this.ctx.lifecycle,
          [{ invitationId: id, organizationId, type: 'created' }],
          now,
        );
        return true;
      });
    } catch (err) {
      // A full organization simply does not enroll anyone more.
      if (err instanceof InvitekitError && err.errors[0]?.code === 'organization_membership_quota_exceeded') {
        return false;
      }
      throw err;
    }
  }

  /** Revokes the domain's pending automatic invitations (with their events) and drops its pending suggestions. */
  private async dropPending(tx: Database, organizationId: string, domainId: string, now: number) {
    const revoked = await tx
      .update(oi)
      .set({ status: 'revoked', updatedAt: now })
      .where(
        and(
          eq(oi.organizationId, organizationId),
          eq(oi.organizationDomainId, domainId),
          statusFilter(oi, ['pending'], now),
        ),
      )
      .returning({ id: oi.id });
    await recordEvents(
      tx,
      this.ctx.lifecycle,
      revoked.map((r) => ({ invitationId: r.id, organizationId, type: 'revoked' as const })),
      now,
    );
    await tx
      .delete(os)
      .where(
        and(
          eq(os.organizationId, organizationId),
          eq(os.organizationDomainId, domainId),
          eq(os.status, 'pending'),
        ),
      );
    return revoked.length;
  }

  /** Runs a write in a transaction, naming the unique index it ran into. */
  private async write(name: string, run: (tx: Database) => Promise<boolean>): Promise<void> {
    let notify: boolean;
    try {
      notify = await this.ctx.db.transaction(run);
    } catch (err) {
      if (isUniqueViolation(err, 'organization_domains_org_name_uidx')) throw domainAlreadyExists(name);
      if (isUniqueViolation(err, 'organization_domains_verified_name_uidx'))
        throw domainVerifiedElsewhere(name);
      throw err;
    }
    if (notify) this.ctx.onOutboxWrite?.();
  }

  /** Records a domain event with the domain as it is now in `tx`; true when a webhook goes out. */
  private async event(
    tx: Database,
    organizationId: string,
    domainId: string,
    type: ObjectEventSpec['type'],
    now: number,
  ): Promise<boolean> {
    if (this.ctx.lifecycle.webhookTargets(type).length === 0) return false;
    const subject = { organizationDomain: await this.get(organizationId, domainId, tx) };
    return (
      (await recordObjectEvents(
        tx,
        this.ctx.lifecycle,
        [{ subjectId: domainId, organizationId, type, subject }],
        now,
      )) > 0
    );
  }

  private select(db: Database) {
    const now = this.ctx.now();
    const pendingInvitations = sql<number>`(SELECT count(*)::int FROM ${oi} WHERE ${oi.organizationId} = ${od.organizationId}
      AND ${oi.organizationDomainId} = ${od.id} AND ${statusFilter(oi, ['pending'], now)})`;
    const pendingSuggestions = sql<number>`(SELECT count(*)::int FROM ${os} WHERE ${os.organizationId} = ${od.organizationId}
      AND ${os.organizationDomainId} = ${od.id} AND ${os.status} = 'pending')`;
    return db
      .select({
        id: od.id,
        organizationId: od.organizationId,
        name: od.name,
        enrollmentMode: sql<EnrollmentMode>`${od.enrollmentMode}`,
        verified: od.verified,
        verificationStrategy: sql<DomainVerificationStrategy | null>`${od.verificationStrategy}`,
        verifiedAt: od.verifiedAt,
        affiliationEmailAddress: od.affiliationEmailAddress,
        totalPendingInvitations: pendingInvitations,
        totalPendingSuggestions: pendingSuggestions,
        organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
        createdAt: od.createdAt,
        updatedAt: od.updatedAt,
      })
      .from(od)
      .innerJoin(organizations, eq(organizations.id, od.organizationId));
  }
}
