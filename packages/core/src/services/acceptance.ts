import { and, eq, or, sql } from 'drizzle-orm';
import { alreadyMember, InvitekitError, invalidParam, notFound } from '../domain/errors.js';
import { idPrefix, newId } from '../domain/ids.js';
import type {
  ApplicationInvitation,
  AuthenticatedUser,
  OrganizationInvitationWithOrganization,
} from '../domain/models.js';
import { isDatabaseUnavailable, isForeignKeyViolation, isUniqueViolation } from '../domain/pg-errors.js';
import { pooledRandomBytes } from '../domain/random.js';
import { effectiveStatus, type InvitationStatus } from '../domain/status.js';
import { matchingHash, parseToken, secretHash } from '../domain/tokens.js';
import {
  type AcceptOrganizationInvitationItem,
  type AcceptOrganizationInvitationRow,
  acceptOrganizationInvitations,
  acceptOrganizationInvitationsWithPeople,
  findTokenTargets,
  type TokenTargetRow,
} from '../storage/acceptance-statements.js';
import { Batcher } from '../storage/batcher.js';
import {
  applicationInvitations as ai,
  memberships,
  organizationInvitations as oi,
  organizations,
  users,
} from '../storage/schema.js';
import { inviterFromSql, organizationInvitationFromSql } from '../storage/sql-rows.js';
import type { ApplicationInvitationsService } from './application-invitations.js';
import type { ServiceContext } from './context.js';
import { effectRows, type OutboxRowJson, recordEvents } from './effects.js';
import { type IdentitiesService, peopleJson, uniquePeople, verifiedEmails } from './identities.js';
import { statusFilter } from './listing.js';
import type { OrganizationInvitationsService } from './organization-invitations.js';

/** What an accept page may show before anyone signs in. */
export interface InvitationPreview {
  kind: 'organization' | 'application';
  invitationId: string;
  /** Effective status: `pending` or `expired` (a used or revoked link answers invitation_not_pending). */
  status: InvitationStatus;
  /** Partly masked, e.g. `j***@example.com`. */
  emailAddress: string;
  role: string | null;
  roleName: string | null;
  organization: { id: string; name: string; slug: string } | null;
  inviter: { firstName: string | null; lastName: string | null } | null;
  expiresAt: number;
  /** Invitekit extension: the invitation's BCP 47 locale (null: the configured one), for accept pages. */
  locale: string | null;
  /**
   * With a signed-in person passed to `preview`: whether the invitation was sent to one of their verified
   * addresses (only then can they accept it). Never serialised; for accept pages.
   */
  sentToUser?: boolean;
}

export type AcceptedInvitation =
  | { kind: 'organization'; invitation: OrganizationInvitationWithOrganization }
  | { kind: 'application'; invitation: ApplicationInvitation };

/** `j***@example.com`: enough for the invitee to recognise the address, not enough to harvest it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, Math.min(1, at))}***${email.slice(at)}`;
}

const tokenInvalid = () =>
  new InvitekitError({
    code: 'invitation_token_invalid',
    message: 'invalid invitation link',
    longMessage: 'This invitation link is not valid; ask for a new invitation',
  });

const notPending = (status: InvitationStatus) =>
  new InvitekitError({
    code: 'invitation_not_pending',
    message: 'not pending',
    longMessage: `This invitation is ${status}; only pending invitations can be accepted or declined`,
    meta: { status },
  });

const emailMismatch = () =>
  new InvitekitError({
    code: 'invitation_email_mismatch',
    message: 'invitation sent to another address',
    longMessage:
      'This invitation was sent to an email address that is not a verified address of the signed-in account; sign in with that address, or verify it',
  });

const inviterNoLongerAdmin = () =>
  new InvitekitError({
    code: 'inviter_no_longer_admin',
    message: 'inviter is no longer an admin',
    longMessage:
      'The person who sent this invitation is no longer an admin of the organization, so it cannot be accepted; ask an admin for a new invitation',
  });

/** The accepted invitation as the accept statement returns it (int8 columns may arrive as strings). */
function fromAcceptedRow(
  r: AcceptOrganizationInvitationRow,
  now: number,
): OrganizationInvitationWithOrganization {
  return {
    ...organizationInvitationFromSql(r, inviterFromSql(r), now),
    organization: { id: r.organization_id, name: r.organization_name, slug: r.organization_slug },
  };
}

/**
 * Accept executions: one at a time, up to 64 accepts each, the rest waiting to go together, as creates do
 * (one in flight measured best there, bench/README.md); so a process's accept batches never wait on each
 * other's row locks either. Measured with bench/accept.mjs (bench/README.md, "Accept").
 */
const ACCEPT_BATCHING = { maxInFlight: 1, maxBatch: 64 };
/** Token lookups are indexed reads: a few in flight. */
const LOOKUP_BATCHING = { maxInFlight: 4, maxBatch: 64 };

/** `tokenHash`: the hash the token matched, the current one or that of a link a reminder replaced. */
type TokenTarget =
  | { kind: 'organization'; id: string; organizationId: string; emailAddress: string; tokenHash: Buffer }
  | { kind: 'application'; id: string; emailAddress: string; tokenHash: Buffer };

/**
 * Accepting and declining invitations, by accept token or (for the signed-in invitee) by id. Accept is
 * exactly once: one transaction makes a conditional update (pending and unexpired, or nothing), creates
 * the membership with the invitation's role and both metadata, and records the event with its outbox.
 */
export class AcceptanceService {
  /**
   * Organization accepts in one statement, several at a time under load (storage/batcher.ts), with the
   * directory write of those whose `person` is given.
   */
  private readonly accepts: Batcher<
    { item: AcceptOrganizationInvitationItem; outbox: OutboxRowJson[]; person: AuthenticatedUser | null },
    AcceptOrganizationInvitationRow | undefined
  >;

  /** Token lookups by invitation id, several in one statement under load. */
  private readonly tokenTargets: Batcher<string, TokenTargetRow | undefined>;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly deps: {
      identities: IdentitiesService;
      organizationInvitations: OrganizationInvitationsService;
      invitations: ApplicationInvitationsService;
    },
  ) {
    this.accepts = new Batcher(async (calls) => {
      const params: unknown[] = [
        JSON.stringify(calls.map((c) => c.item)),
        ctx.lifecycle.keepInvitationsOfFormerAdmins,
        ctx.roles.adminKeys(),
        JSON.stringify(calls.flatMap((c) => c.outbox)),
      ];
      const people = uniquePeople(calls.map((c) => c.person));
      if (people.length > 0) {
        const now = ctx.now();
        const json = peopleJson(people, now);
        params.push(json.people, json.input, now);
      }
      const rows = await ctx.run<AcceptOrganizationInvitationRow>(
        people.length > 0 ? acceptOrganizationInvitationsWithPeople : acceptOrganizationInvitations,
        params,
      );
      const byItem = calls.map((): AcceptOrganizationInvitationRow | undefined => undefined);
      for (const r of rows) byItem[Number(r.n) - 1] = r;
      return byItem;
    }, ACCEPT_BATCHING);
    this.tokenTargets = new Batcher(async (ids) => {
      const rows = await ctx.run<TokenTargetRow>(findTokenTargets, [ids]);
      const byId = ids.map((): TokenTargetRow | undefined => undefined);
      for (const r of rows) byId[Number(r.n) - 1] = r;
      return byId;
    }, LOOKUP_BATCHING);
  }

  /**
   * What the invitation behind a token says, for an accept page shown before sign-in. Never uses it up.
   * Given the signed-in person, it also tells whether they are the invitee (`sentToUser`).
   */
  async preview(token: string, user?: AuthenticatedUser | null): Promise<InvitationPreview> {
    const target = await this.resolveToken(token, true);
    const now = this.ctx.now();
    const sentToUser = user ? { sentToUser: verifiedEmails(user).includes(target.emailAddress) } : {};
    if (target.kind === 'application') {
      const [row] = await this.ctx.db.select().from(ai).where(eq(ai.id, target.id));
      if (!row) throw tokenInvalid();
      return {
        kind: 'application',
        invitationId: row.id,
        status: effectiveStatus(row.status, row.expiresAt, now),
        emailAddress: maskEmail(row.emailAddress),
        role: null,
        roleName: null,
        organization: null,
        inviter: null,
        expiresAt: row.expiresAt,
        locale: row.locale,
        ...sentToUser,
      };
    }
    const [row] = await this.ctx.db
      .select({
        invitation: oi,
        organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
        inviter: { userId: users.id, firstName: users.firstName, lastName: users.lastName },
      })
      .from(oi)
      .innerJoin(organizations, eq(organizations.id, oi.organizationId))
      .leftJoin(users, eq(users.id, oi.inviterId))
      .where(and(eq(oi.organizationId, target.organizationId), eq(oi.id, target.id)));
    if (!row) throw tokenInvalid();
    const i = row.invitation;
    return {
      kind: 'organization',
      invitationId: i.id,
      status: effectiveStatus(i.status, i.expiresAt, now),
      emailAddress: maskEmail(i.emailAddress),
      role: i.role,
      roleName: this.ctx.roles.name(i.role),
      organization: row.organization,
      inviter: row.inviter?.userId
        ? { firstName: row.inviter.firstName, lastName: row.inviter.lastName }
        : null,
      expiresAt: i.expiresAt,
      locale: i.locale,
      ...sentToUser,
    };
  }

  /**
   * Accepts the organization or application invitation a token names, as `user`, who must have the
   * invited address among their verified addresses (otherwise 403, and the invitation stays usable).
   * `identify`: also add the person to the directory as identities.identify does, whatever the outcome
   * (the Frontend API's accept: a first-seen person's accept then writes them in the same statement).
   */
  async acceptToken(
    token: string,
    user: AuthenticatedUser,
    options: { identify?: boolean } = {},
  ): Promise<AcceptedInvitation> {
    // Most accepts are valid ones: the shared statement checks the token (by its hash), the address and
    // the status itself, so a valid accept is one statement. Otherwise, the checks below run in their order,
    // for the same answer as ever (and the statement once more, if they all pass).
    const parsed = typeof token === 'string' ? parseToken(token) : null;
    if (parsed?.invitationId.startsWith(`${idPrefix.organizationInvitation}_`)) {
      const now = this.ctx.now();
      const target = {
        organizationId: null,
        invitationId: parsed.invitationId,
        tokenHash: secretHash(parsed.secret),
        emails: verifiedEmails(user),
      };
      const row = await this.tryAccept(target, user, now, options.identify === true);
      if (row) return { kind: 'organization', invitation: fromAcceptedRow(row, now) };
    }
    // Not accepted by the statement (which may have written the person already): identify as any other
    // Frontend API route does, before the checks that say why, so every outcome leaves the same directory.
    if (options.identify) await this.deps.identities.identify(user);
    const target = await this.resolveToken(token, false);
    if (!verifiedEmails(user).includes(target.emailAddress)) throw emailMismatch();
    if (target.kind === 'application') {
      return { kind: 'application', invitation: await this.acceptApplication(target, user) };
    }
    const invitation = await this.acceptOrganization(
      target.organizationId,
      target.id,
      user,
      target.tokenHash,
    );
    return { kind: 'organization', invitation };
  }

  /** Accepts one of the signed-in person's invitations by id (404 unless sent to a verified address of theirs). */
  async acceptOrganizationInvitation(
    invitationId: string,
    user: AuthenticatedUser,
  ): Promise<OrganizationInvitationWithOrganization> {
    const mine = await this.mine(invitationId, user);
    return this.acceptOrganization(mine.organizationId, mine.id, user, null);
  }

  /**
   * Declines one of the signed-in person's invitations: it becomes `revoked` (Clerk's statuses have no
   * `declined`), with a `declined` event that notifies webhooks as `organizationInvitation.revoked`.
   */
  async declineOrganizationInvitation(
    invitationId: string,
    user: AuthenticatedUser,
  ): Promise<OrganizationInvitationWithOrganization> {
    const mine = await this.mine(invitationId, user);
    const now = this.ctx.now();
    const declined = await this.deps.organizationInvitations.revokePending(
      mine.organizationId,
      mine.id,
      { type: 'declined', data: { user_id: user.id } },
      now,
    );
    const current = await this.deps.organizationInvitations.findWithOrganization(mine.id);
    if (!current) throw notFound('organization invitation', mine.id);
    if (!declined) throw notPending(current.status);
    return current;
  }

  /**
   * Declines the organization invitation a token names, as `user`, who must be the invitee (403
   * otherwise, and the invitation stays usable); as `declineOrganizationInvitation` does by id. An
   * application invitation cannot be declined (422): it is an offer to sign up, which the person may
   * simply ignore.
   */
  async declineToken(
    token: string,
    user: AuthenticatedUser,
  ): Promise<OrganizationInvitationWithOrganization> {
    const target = await this.resolveToken(token, false);
    if (!verifiedEmails(user).includes(target.emailAddress)) throw emailMismatch();
    if (target.kind === 'application') {
      throw invalidParam(
        'token',
        'Application invitations cannot be declined; ignore the invitation instead',
      );
    }
    return this.declineOrganizationInvitation(target.id, user);
  }

  // ---- internals ----------------------------------------------------------------------------------

  /**
   * Runs an accept transaction that needs the user in the directory, telling it whether to write the
   * user itself: unless this process just did. If the user has been deleted since (a foreign-key
   * violation rolls everything back), it runs once more, writing the user.
   */
  private async withUser<T>(user: AuthenticatedUser, run: (writeUser: boolean) => Promise<T>): Promise<T> {
    const known = this.deps.identities.isKnown(user);
    try {
      return await run(!known);
    } catch (err) {
      if (!known || !isForeignKeyViolation(err)) throw err;
      this.deps.identities.forget(user);
      return run(true);
    }
  }

  /** The invitation by id, if it was sent to one of the person's verified addresses; 404 otherwise. */
  private async mine(invitationId: string, user: AuthenticatedUser) {
    const found = await this.deps.organizationInvitations.findWithOrganization(
      invitationId,
      verifiedEmails(user),
    );
    if (!found) throw notFound('organization invitation', invitationId);
    return found;
  }

  /**
   * The invitation a token names, once its secret matches the stored hash (in constant time), or the hash
   * of a link a reminder replaced (Invitekit reminders keep earlier links working). Unknown,
   * malformed and mismatched tokens all answer 404 invitation_token_invalid. An accepted or revoked
   * invitation has no hash left to check the secret against; its token answers 400 invitation_not_pending
   * with the status (known to whoever holds the invitation id). An expired one still has its hash: with a
   * matching secret, `preview` shows it as expired, and accepting answers invitation_not_pending.
   */
  private async resolveToken(token: string, allowExpired: boolean): Promise<TokenTarget> {
    const parsed = typeof token === 'string' ? parseToken(token) : null;
    if (!parsed) throw tokenInvalid();
    const { invitationId: id, secret } = parsed;
    const known =
      id.startsWith(`${idPrefix.organizationInvitation}_`) || id.startsWith(`${idPrefix.invitation}_`);
    const row = known ? await this.tokenTargets.run(id) : undefined;
    const now = this.ctx.now();
    const current = row?.token_hash ? Buffer.from(row.token_hash, 'hex') : null;
    const earlier = (row?.reminder_hashes?.split(',') ?? []).map((h) => Buffer.from(h, 'hex'));
    const hash = matchingHash(secret, [current, ...earlier]);
    if (!row) throw tokenInvalid();
    const status = effectiveStatus(row.status, Number(row.expires_at), now);
    if (current === null) {
      if (status === 'pending') throw tokenInvalid();
      throw notPending(status);
    }
    if (!hash) throw tokenInvalid();
    if (status !== 'pending' && !(allowExpired && status === 'expired')) throw notPending(status);
    return row.organization_id
      ? {
          kind: 'organization',
          id,
          organizationId: row.organization_id,
          emailAddress: row.email_address,
          tokenHash: hash,
        }
      : { kind: 'application', id, emailAddress: row.email_address, tokenHash: hash };
  }

  /**
   * One accept attempt through the shared statement: the accepted invitation's row, or undefined when
   * the invitation was not accepted (the caller says why). `organizationId` null: the invitation's own;
   * `emails`: the invitation must have been sent to one of them (null: checked already). A person already
   * a member answers 400 already_a_member_in_organization, and nothing is written by the statement.
   *
   * A person this process has not written lately is written by the statement itself. Once accepted,
   * with `identify`, they are known and enrolled as identities.identify would have had them; when the
   * statement fails, they are written on their own (`identify`, else `sync`), as they were before it.
   */
  private async tryAccept(
    target: {
      organizationId: string | null;
      invitationId: string;
      tokenHash: Buffer | null;
      emails: string[] | null;
    },
    user: AuthenticatedUser,
    now: number,
    identify = false,
  ): Promise<AcceptOrganizationInvitationRow | undefined> {
    const { organizationId, invitationId, tokenHash, emails } = target;
    // The statement writes the event under the invitation's organization; the spec's only decides the
    // webhook name, that of an organization invitation either way.
    const event = {
      invitationId,
      organizationId: organizationId ?? 'org',
      type: 'accepted' as const,
      data: { user_id: user.id },
    };
    const effects = effectRows(this.ctx.lifecycle, [event], now);
    let row: AcceptOrganizationInvitationRow | undefined;
    let wrote = false;
    try {
      row = await this.withUser(user, async (writeUser) => {
        wrote = writeUser;
        return this.accepts.run({
          item: {
            organization_id: organizationId,
            id: invitationId,
            now,
            token_hash: tokenHash?.toString('hex') ?? null,
            nonce: tokenHash ? pooledRandomBytes(16).toString('hex') : null,
            emails,
            user_id: user.id,
            membership_id: newId('membership', now),
            events: effects.events,
          },
          outbox: effects.outbox,
          person: writeUser ? user : null,
        });
      });
    } catch (err) {
      // An outage would only make the write wait its own timeout too (storage/batcher.ts says why).
      if (wrote && !isDatabaseUnavailable(err)) {
        if (identify) await this.deps.identities.identify(user);
        else await this.deps.identities.sync(user);
      }
      if (isUniqueViolation(err, 'organization_memberships_user_uidx')) {
        if (organizationId === null) {
          const found = await this.deps.organizationInvitations.findWithOrganization(invitationId);
          if (found) throw alreadyMember(found.organization);
        }
        const [org] = await this.ctx.db
          .select({ id: organizations.id, name: organizations.name })
          .from(organizations)
          .where(eq(organizations.id, organizationId ?? ''));
        throw alreadyMember(org ?? { id: organizationId ?? '', name: 'this organization' });
      }
      throw err;
    }
    if (row) this.ctx.onOutboxWrite?.();
    if (row && wrote && identify) await this.deps.identities.identified(user, row.may_enroll === true);
    return row;
  }

  /**
   * The exactly-once accept, in one statement (storage/acceptance-statements.ts): conditional update,
   * membership with the role and both metadata, event and outbox, all or nothing. With `tokenHash`, the
   * update also requires the token to be still valid, the current one or a link a reminder replaced (a
   * resend that issued a new link makes the old ones useless, even mid-request).
   */
  private async acceptOrganization(
    organizationId: string,
    invitationId: string,
    user: AuthenticatedUser,
    tokenHash: Buffer | null,
  ): Promise<OrganizationInvitationWithOrganization> {
    const now = this.ctx.now();
    const { roles, lifecycle } = this.ctx;
    const row = await this.tryAccept({ organizationId, invitationId, tokenHash, emails: null }, user, now);
    if (row) return fromAcceptedRow(row, now);

    // Nothing accepted: say why.
    const current = await this.deps.organizationInvitations.findWithOrganization(invitationId);
    if (!current) throw tokenHash ? tokenInvalid() : notFound('organization invitation', invitationId);
    if (current.status !== 'pending') throw notPending(current.status);
    if (!lifecycle.keepInvitationsOfFormerAdmins && current.inviterId) {
      const [inviter] = await this.ctx.db
        .select({ role: memberships.role })
        .from(memberships)
        .where(
          and(eq(memberships.organizationId, organizationId), eq(memberships.userId, current.inviterId)),
        );
      if (!roles.isAdmin(inviter?.role)) throw inviterNoLongerAdmin();
    }
    // Pending, yet not updated: a newer token replaced the one presented.
    throw tokenInvalid();
  }

  /** Marks the application invitation accepted by `user`, who is added to the directory with the address. */
  private async acceptApplication(
    target: Extract<TokenTarget, { kind: 'application' }>,
    user: AuthenticatedUser,
  ): Promise<ApplicationInvitation> {
    const now = this.ctx.now();
    const accepted = await this.withUser(user, (syncUser) =>
      this.ctx.db.transaction(async (tx) => {
        if (syncUser) await this.deps.identities.sync(user, tx);
        const [row] = await tx
          .update(ai)
          .set({ status: 'accepted', tokenHash: null, userId: user.id, updatedAt: now })
          .where(
            and(
              eq(ai.id, target.id),
              statusFilter(ai, ['pending'], now),
              or(
                eq(ai.tokenHash, target.tokenHash),
                sql`decode(${target.tokenHash.toString('hex')}, 'hex') = ANY(${ai.reminderTokenHashes})`,
              ),
            ),
          )
          .returning({ id: ai.id });
        if (!row) return false;
        await recordEvents(
          tx,
          this.ctx.lifecycle,
          [{ invitationId: target.id, organizationId: null, type: 'accepted', data: { user_id: user.id } }],
          now,
        );
        return true;
      }),
    );
    const current = await this.deps.invitations.get(target.id);
    if (!accepted) {
      if (current.status === 'pending') throw tokenInvalid();
      throw notPending(current.status);
    }
    this.ctx.onOutboxWrite?.();
    return current;
  }
}
