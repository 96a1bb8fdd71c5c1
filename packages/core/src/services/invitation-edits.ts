import { and, type Column, eq, type SQL, sql } from 'drizzle-orm';
import { InvitekitError, notPending, organizationInvitationNotPending } from '../domain/errors.js';
import { acceptLink } from '../domain/links.js';
import { checkLocale } from '../domain/locale.js';
import { checkMetadata, type Metadata } from '../domain/metadata.js';
import type { ApplicationInvitation, OrganizationInvitation } from '../domain/models.js';
import { expiresAtFrom } from '../domain/status.js';
import { issueToken } from '../domain/tokens.js';
import type { Database } from '../storage/database.js';
import {
  type ApplicationInvitationRow,
  applicationInvitations as ai,
  type OrganizationInvitationRow,
  organizationInvitations as oi,
} from '../storage/schema.js';
import { AccessService } from './access.js';
import type { ApplicationInvitationsService } from './application-invitations.js';
import type { ServiceContext } from './context.js';
import { type InvitationEventSpec, recordEvents } from './effects.js';
import { statusFilter } from './listing.js';
import type { OrganizationInvitationsService } from './organization-invitations.js';

/** What an edit of a pending application invitation may change; absent or null fields stay as they are. */
export interface EditApplicationInvitationInput {
  /** Replaces the public metadata (it is not merged). */
  publicMetadata?: Metadata | null;
  /** The invitation then expires this many days from now (1–365). */
  expiresInDays?: number | null;
  /** BCP 47; the next email (a resend, this edit's `notify`) renders in it. */
  locale?: string | null;
  /**
   * Email the invitee the edited invitation, with a new link (the old one stops working, as on resend).
   * Default false: the link stays valid and nothing is sent.
   */
  notify?: boolean | null;
}

/** What an edit of a pending organization invitation may change. */
export interface EditOrganizationInvitationInput extends EditApplicationInvitationInput {
  /** A configured role key. */
  role?: string | null;
  /** Replaces the private metadata (it is not merged). */
  privateMetadata?: Metadata | null;
  /** Must be an admin of the organization when given (the Frontend API passes the signed-in person). */
  requestingUserId?: string | null;
}

/** The columns an edit sets, and the names of the fields it changes (the `updated` event's `changes`). */
interface Edit<Row> {
  set: Partial<Row> & { updatedAt: number };
  changes: string[];
}

/** What the next reminder time of an invitation depends on, besides its expiry. */
const reminderInputs = (t: typeof oi | typeof ai) => ({
  createdAt: t.createdAt,
  notify: t.notify,
  reminders: t.reminders,
});

const nothingToEdit = () =>
  new InvitekitError({
    code: 'form_param_missing',
    message: 'is missing',
    longMessage: 'Give at least one field to change, or notify: true to email the invitation again',
    meta: { param_name: 'body' },
  });

/**
 * Invitekit extension: edits a pending invitation in place (role, metadata, expiry, locale). The accept
 * link stays valid and nothing is emailed unless `notify` asks for it; an `updated` event records which
 * fields changed (webhooked as `organizationInvitation.updated` / `invitation.updated` to endpoints that
 * subscribe to it by name). Only a pending invitation, not past its expiry, can be edited: the update is
 * conditional on that, in one transaction with its events, so a concurrent accept or revoke wins cleanly.
 * Counts (quotas, limits) are untouched: an edit adds no invitation.
 */
export class InvitationEditsService {
  private readonly access: AccessService;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly deps: {
      organizationInvitations: OrganizationInvitationsService;
      invitations: ApplicationInvitationsService;
    },
  ) {
    this.access = new AccessService(ctx);
  }

  async updateOrganizationInvitation(
    organizationId: string,
    invitationId: string,
    input: EditOrganizationInvitationInput,
  ): Promise<OrganizationInvitation> {
    const now = this.ctx.now();
    // The admin check first: a non-admin learns nothing from validation errors.
    if (input.requestingUserId) await this.access.requireAdmin(organizationId, input.requestingUserId);
    const edit = this.common<OrganizationInvitationRow>(input, now);
    if (input.role != null) {
      edit.set.role = this.ctx.roles.require(input.role).key;
      edit.changes.push('role');
    }
    if (input.privateMetadata != null) {
      edit.set.privateMetadata = checkMetadata(input.privateMetadata, 'private_metadata');
      edit.changes.push('private_metadata');
    }
    if (edit.changes.length === 0 && !input.notify) throw nothingToEdit();
    const link = await this.apply(edit, invitationId, organizationId, input.notify, now, async (tx, set) => {
      const which = and(eq(oi.organizationId, organizationId), eq(oi.id, invitationId));
      const reminder = await this.rescheduled(set.expiresAt, now, oi.remindersSent, () =>
        tx.select(reminderInputs(oi)).from(oi).where(which),
      );
      return tx
        .update(oi)
        .set({ ...set, ...reminder })
        .where(and(which, statusFilter(oi, ['pending'], now)))
        .returning({ emailAddress: oi.emailAddress, redirectUrl: oi.redirectUrl, expiresAt: oi.expiresAt });
    });
    const current = await this.deps.organizationInvitations.get(organizationId, invitationId);
    if (link === false) throw organizationInvitationNotPending(current.status, 'updated');
    return { ...current, url: link };
  }

  async updateApplicationInvitation(
    invitationId: string,
    input: EditApplicationInvitationInput,
  ): Promise<ApplicationInvitation> {
    const now = this.ctx.now();
    const edit = this.common<ApplicationInvitationRow>(input, now);
    if (edit.changes.length === 0 && !input.notify) throw nothingToEdit();
    const link = await this.apply(edit, invitationId, null, input.notify, now, async (tx, set) => {
      const reminder = await this.rescheduled(set.expiresAt, now, ai.remindersSent, () =>
        tx.select(reminderInputs(ai)).from(ai).where(eq(ai.id, invitationId)),
      );
      return tx
        .update(ai)
        .set({ ...set, ...reminder })
        .where(and(eq(ai.id, invitationId), statusFilter(ai, ['pending'], now)))
        .returning({ emailAddress: ai.emailAddress, redirectUrl: ai.redirectUrl, expiresAt: ai.expiresAt });
    });
    const current = await this.deps.invitations.get(invitationId);
    if (link === false) throw notPending(current.status, 'updated');
    return { ...current, url: link };
  }

  /** The fields both kinds share, validated before anything is written. */
  private common<Row extends OrganizationInvitationRow | ApplicationInvitationRow>(
    input: EditApplicationInvitationInput,
    now: number,
  ): Edit<Row> {
    const edit: Edit<Row> = { set: { updatedAt: now } as Edit<Row>['set'], changes: [] };
    if (input.publicMetadata != null) {
      edit.set.publicMetadata = checkMetadata(input.publicMetadata, 'public_metadata');
      edit.changes.push('public_metadata');
    }
    if (input.expiresInDays != null) {
      edit.set.expiresAt = expiresAtFrom(input.expiresInDays, now);
      edit.changes.push('expires_at');
    }
    if (input.locale != null) {
      edit.set.locale = checkLocale(input.locale);
      edit.changes.push('locale');
    }
    return edit;
  }

  /**
   * A new expiry moves the next reminder (domain/reminders.ts): the step built for the old expiry would fire
   * at the wrong time, and an invitation extended past its schedule's first step would get none. As on
   * create (`firstReminderAt`), none when reminders are off, the invitation does not email (`notify` false)
   * or its create opted out. Those and `created_at` never change, so they are read first; the count of
   * reminders sent is read by the conditional UPDATE itself, so one the sweeper sends meanwhile counts.
   */
  private async rescheduled(
    expiresAt: number | undefined,
    now: number,
    remindersSent: Column,
    read: () => Promise<{ createdAt: number; notify: boolean; reminders: boolean }[]>,
  ): Promise<{ nextReminderAt?: SQL | null }> {
    if (expiresAt === undefined) return {};
    const schedule = this.ctx.lifecycle.reminders;
    const [row] = schedule ? await read() : [];
    if (!schedule || !row?.notify || !row.reminders) return { nextReminderAt: null };
    // next(…, sent) is null once `sent` reaches the maximum, else the first step after now.
    const next = schedule.next(row.createdAt, expiresAt, now);
    if (next === null) return { nextReminderAt: null };
    return { nextReminderAt: sql`CASE WHEN ${remindersSent} < ${schedule.max} THEN ${next}::bigint END` };
  }

  /**
   * The conditional update and its events in one transaction: `updated` (when a field changed) and, with
   * `notify`, `resent` with the email and a new token. The new link, null without `notify`, or false when
   * the invitation was not pending (nothing written).
   */
  private async apply<Row>(
    edit: Edit<Row>,
    invitationId: string,
    organizationId: string | null,
    notify: boolean | null | undefined,
    now: number,
    update: (
      tx: Database,
      set: Edit<Row>['set'],
    ) => Promise<{ emailAddress: string; redirectUrl: string | null; expiresAt: number }[]>,
  ): Promise<string | null | false> {
    const token = notify ? issueToken(invitationId) : null;
    const set = token ? { ...edit.set, tokenHash: token.hash } : edit.set;
    const link = await this.ctx.db.transaction(async (tx) => {
      const [row] = await update(tx, set);
      if (!row) return false;
      const events: InvitationEventSpec[] = [];
      if (edit.changes.length > 0) {
        events.push({ invitationId, organizationId, type: 'updated', data: { changes: edit.changes } });
      }
      let link: string | null = null;
      if (token) {
        link = acceptLink(this.ctx.lifecycle.linkBase(row.redirectUrl), token.token);
        events.push({
          invitationId,
          organizationId,
          type: 'resent',
          data: { expires_at: row.expiresAt },
          email: { to: row.emailAddress, link },
        });
      }
      await recordEvents(tx, this.ctx.lifecycle, events, now);
      return link;
    });
    if (link !== false) this.ctx.onOutboxWrite?.();
    return link;
  }
}
