import { and, asc, count, eq, gt, inArray, type SQL } from 'drizzle-orm';
import { notAnAdmin, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  type CheckedImportRow,
  checkImportRows,
  checkImportSize,
  type ImportRowResult,
  type ImportStatus,
  type InvitationImport,
  type InvitationImportRow,
  importRowResults,
  parseImportCsv,
  refuseImportMetadata,
} from '../domain/invitation-imports.js';
import { acceptLink } from '../domain/links.js';
import { firstReminderAt } from '../domain/reminders.js';
import { expiresAtFrom } from '../domain/status.js';
import { issueToken } from '../domain/tokens.js';
import type { Database } from '../storage/database.js';
import {
  type ClaimedImportRow,
  claimImportRows,
  type ImportRowOutcome,
  importCounts,
  insertImportRows,
  recordImportOutcomes,
  settleImport,
} from '../storage/invitation-imports-statements.js';
import {
  emailAddresses,
  invitationImports as imports,
  invitationImportRows as ir,
  memberships,
  type OrganizationInvitationRow,
  organizationInvitations as oi,
  organizations,
} from '../storage/schema.js';
import { rowsOf } from '../storage/sql-rows.js';
import type { ServiceContext } from './context.js';
import { type InvitationEventSpec, recordEvents } from './effects.js';
import type { Page, Paginated } from './listing.js';
import { statusFilter } from './listing.js';

/** How an import's options arrive (the query string of the HTTP route). */
export interface StartImportOptions {
  /** Must be an admin of the organization when given; the invitations' inviter. */
  inviterUserId?: string | null;
  /** The role of rows that have none. */
  role?: string | null;
  /** Email the invitees (default true). */
  notify?: boolean | null;
  redirectUrl?: string | null;
  /** 1–365, default 30. */
  expiresInDays?: number | null;
  /** Whether rows may carry metadata (default true). The Frontend API passes false: a 422 if they do. */
  metadata?: boolean;
}

/** Invitekit extension: the import worker's settings (config `imports`). */
export interface ImportOptions {
  /** Rows per batch, one transaction each (default 500). */
  batchSize?: number;
  /**
   * Invitation emails per second per import (default 20; 0 = no pacing). Emails are written to the outbox
   * due one after another at this rate, so the dispatcher sends them paced, from any process.
   */
  emailsPerSecond?: number;
  /** How often an idle worker looks for queued rows, in ms (default 1000). Uploads also wake it. */
  pollIntervalMs?: number;
}

export const resolveImportOptions = (o: ImportOptions = {}): Required<ImportOptions> => ({
  batchSize: Math.max(1, o.batchSize ?? 500),
  emailsPerSecond: o.emailsPerSecond ?? 20,
  pollIntervalMs: o.pollIntervalMs ?? 1000,
});

export interface ListImportRowsInput extends Partial<Page> {
  result?: ImportRowResult[];
}

type Room = { n: number; result: ImportRowResult; reason: string };

/** Large imports (Invitekit extension): upload, progress, and the batches the worker runs. */
export class InvitationImportsService {
  private readonly listeners = new Set<() => void>();
  readonly options: Required<ImportOptions>;

  constructor(
    private readonly ctx: ServiceContext,
    options: ImportOptions = {},
  ) {
    this.options = resolveImportOptions(options);
  }

  /** Called after an upload with rows to process commits (the worker in this process listens). */
  onQueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stores an import's rows (a CSV text or an array of row objects) and queues it. Refuses the whole
   * upload (4xx) for an unknown organization, an inviter who is not an admin, bad options, a malformed
   * CSV or more than 10,000 rows; a row at fault is kept with result `invalid` and its reason.
   */
  async start(
    organizationId: string,
    rows: string | unknown[],
    options: StartImportOptions = {},
  ): Promise<InvitationImport> {
    const now = this.ctx.now();
    const metadata = options.metadata ?? true;
    const raw = typeof rows === 'string' ? parseImportCsv(rows, { metadata }) : rows;
    if (!metadata) refuseImportMetadata(raw);
    checkImportSize(raw.length);
    const defaultRole = options.role ? this.ctx.roles.require(options.role).key : null;
    const redirectUrl = this.ctx.lifecycle.redirects.check(options.redirectUrl);
    if (options.expiresInDays != null) expiresAtFrom(options.expiresInDays, now);
    await this.requireOrganization(organizationId, options.inviterUserId ?? null);
    const checked = checkImportRows(raw, this.ctx.roles, defaultRole);
    const pending = checked.some((r) => r.result === null);
    const id = newId('invitationImport', now);
    await this.ctx.db.transaction(async (tx) => {
      await tx.insert(imports).values({
        organizationId,
        id,
        status: pending ? 'queued' : 'completed',
        inviterId: options.inviterUserId ?? null,
        notify: options.notify ?? true,
        redirectUrl,
        expiresInDays: options.expiresInDays ?? null,
        totalRows: checked.length,
        nextEmailAt: now,
        createdAt: now,
        updatedAt: now,
        completedAt: pending ? null : now,
      });
      await tx.execute(insertImportRows(organizationId, id, checked.map(toRowJson), now));
    });
    if (pending) for (const listener of this.listeners) listener();
    return this.get(organizationId, id);
  }

  /** An import with its progress: how many rows are done, and how many of each result. */
  async get(organizationId: string, importId: string): Promise<InvitationImport> {
    const [row] = await this.ctx.db
      .select()
      .from(imports)
      .where(and(eq(imports.organizationId, organizationId), eq(imports.id, importId)));
    if (!row) throw notFound('invitation import', importId);
    const counts = Object.fromEntries(importRowResults.map((r) => [r, 0])) as Record<ImportRowResult, number>;
    let processed = 0;
    for (const c of rowsOf<{ result: string; n: number }>(
      await this.ctx.db.execute(importCounts(organizationId, importId)),
    )) {
      if (c.result === 'pending') continue;
      counts[c.result as ImportRowResult] = Number(c.n);
      processed += Number(c.n);
    }
    return {
      id: row.id,
      organizationId: row.organizationId,
      status: row.status as ImportStatus,
      inviterId: row.inviterId,
      totalRows: row.totalRows,
      processedRows: processed,
      counts,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      completedAt: row.completedAt,
    };
  }

  /** An import's rows in file order, optionally only those with given results. */
  async listRows(
    organizationId: string,
    importId: string,
    input: ListImportRowsInput = {},
  ): Promise<Paginated<InvitationImportRow>> {
    const where: SQL | undefined = and(
      eq(ir.organizationId, organizationId),
      eq(ir.importId, importId),
      input.result?.length ? inArray(ir.result, input.result) : undefined,
    );
    const [rows, [total]] = await Promise.all([
      this.ctx.db
        .select()
        .from(ir)
        .where(where)
        .orderBy(asc(ir.rowNumber))
        .limit(input.limit ?? 10)
        .offset(input.offset ?? 0),
      this.ctx.db.select({ n: count() }).from(ir).where(where),
    ]);
    return {
      data: rows.map((r) => ({
        row: r.rowNumber,
        emailAddress: r.emailAddress,
        role: r.role,
        locale: r.locale,
        status: r.status as 'pending' | 'done',
        result: r.result as ImportRowResult | null,
        reason: r.reason,
        invitationId: r.invitationId,
      })),
      totalCount: total?.n ?? 0,
    };
  }

  /**
   * @internal The worker's step: claims the next batch of pending rows (FOR UPDATE SKIP LOCKED) and, in
   * the same transaction, writes their invitations, events and emails (outbox) and the rows' results. So
   * each row is done exactly once: a crash before the commit leaves the batch pending, whole. Returns how
   * many rows it did (0: none were pending).
   */
  async processNextBatch(): Promise<number> {
    const { db, lifecycle, roles } = this.ctx;
    const now = this.ctx.now();
    const interval = this.options.emailsPerSecond > 0 ? 1000 / this.options.emailsPerSecond : 0;
    let wroteOutbox = false;
    const done = await db.transaction(async (tx) => {
      const claimed = rowsOf<ClaimedImportRow>(await tx.execute(claimImportRows(this.options.batchSize)));
      if (claimed.length === 0) return 0;
      const { organization_id: organizationId, import_id: importId } = claimed[0]!;
      // The import's row lock orders its batches (email pacing, completion) across workers.
      const [job] = await tx
        .select()
        .from(imports)
        .where(and(eq(imports.organizationId, organizationId), eq(imports.id, importId)))
        .for('update');
      const emails = claimed.map((r) => r.email_address);
      const inviterId = job!.inviterId;
      const [members, pendingRows, [org], [inviter]] = await Promise.all([
        tx
          .select({ email: emailAddresses.emailAddress })
          .from(memberships)
          .innerJoin(emailAddresses, eq(emailAddresses.userId, memberships.userId))
          .where(
            and(
              eq(memberships.organizationId, organizationId),
              inArray(emailAddresses.emailAddress, emails),
              eq(emailAddresses.verified, true),
            ),
          ),
        tx
          .select({ id: oi.id, email: oi.emailAddress, expiresAt: oi.expiresAt })
          .from(oi)
          .where(
            and(
              eq(oi.organizationId, organizationId),
              inArray(oi.emailAddress, emails),
              eq(oi.status, 'pending'),
            ),
          ),
        // A row without a locale takes the organization's, else the configured one, as a create does.
        tx
          .select({ locale: organizations.locale })
          .from(organizations)
          .where(eq(organizations.id, organizationId)),
        // The inviter was an admin at upload; rows processed later check again, as a create does.
        inviterId === null
          ? Promise.resolve([])
          : tx
              .select({ role: memberships.role })
              .from(memberships)
              .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, inviterId))),
      ]);
      const inviterGone =
        inviterId !== null && !roles.isAdmin(inviter?.role)
          ? `The inviter (${inviterId}) is no longer an admin of the organization`
          : null;
      const memberSet = new Set(members.map((m) => m.email));
      // A pending invitation past its expiry no longer holds its address: it is written expired here.
      const stale = pendingRows.filter((p) => p.expiresAt <= now).map((p) => p.id);
      const invited = new Set(pendingRows.filter((p) => p.expiresAt > now).map((p) => p.email));
      if (stale.length) {
        await tx
          .update(oi)
          .set({ status: 'expired', updatedAt: now })
          .where(and(eq(oi.organizationId, organizationId), inArray(oi.id, stale)));
      }

      const outcomes: ImportRowOutcome[] = [];
      const candidates: ClaimedImportRow[] = [];
      for (const r of claimed) {
        // A role taken out of the configuration since the upload: the row cannot be created.
        const role = roles.has(r.role) ? null : `"${r.role}" is no longer a configured role`;
        if (inviterGone) outcomes.push(outcome(r, 'invalid', inviterGone));
        else if (role) outcomes.push(outcome(r, 'invalid', role));
        else if (memberSet.has(r.email_address)) {
          outcomes.push(outcome(r, 'already_member', 'Already a member of the organization'));
        } else if (invited.has(r.email_address)) {
          outcomes.push(outcome(r, 'already_invited', 'A pending invitation already holds this address'));
        } else candidates.push(r);
      }
      const room = await this.room(tx, organizationId, inviterId, candidates.length, now);
      for (const r of candidates.slice(room.n)) outcomes.push(outcome(r, room.result, room.reason));

      const issued = candidates.slice(0, room.n).map((r) => {
        const id = newId('organizationInvitation', now);
        const token = issueToken(id);
        const row: OrganizationInvitationRow = {
          organizationId,
          id,
          emailAddress: r.email_address,
          role: r.role,
          status: 'pending',
          inviterId,
          publicMetadata: r.public_metadata,
          privateMetadata: r.private_metadata,
          redirectUrl: job!.redirectUrl,
          notify: job!.notify,
          locale: r.locale ?? org?.locale ?? lifecycle.locale,
          tokenHash: token.hash,
          expiresAt: expiresAtFrom(job!.expiresInDays, now),
          createdAt: now,
          updatedAt: now,
          organizationDomainId: null,
          nextReminderAt: null,
          remindersSent: 0,
          reminderTokenHashes: null,
        };
        row.nextReminderAt = firstReminderAt(lifecycle.reminders, row, null);
        return { source: r, row, link: acceptLink(lifecycle.linkBase(job!.redirectUrl), token.token) };
      });
      const inserted = issued.length
        ? await tx
            .insert(oi)
            .values(issued.map((i) => i.row))
            .onConflictDoNothing()
            .returning({ id: oi.id })
        : [];
      const insertedIds = new Set(inserted.map((r) => r.id));

      const events: InvitationEventSpec[] = stale.map((id) => ({
        invitationId: id,
        organizationId,
        type: 'expired' as const,
      }));
      let nextEmailAt = Math.max(now, job!.nextEmailAt);
      for (const i of issued) {
        if (!insertedIds.has(i.row.id)) {
          // Another create took the address between this batch's read and its insert.
          outcomes.push(
            outcome(i.source, 'already_invited', 'A pending invitation already holds this address'),
          );
          continue;
        }
        outcomes.push({ ...outcome(i.source, 'created', null), invitation_id: i.row.id });
        let email: InvitationEventSpec['email'];
        if (i.row.notify) {
          email = {
            to: i.row.emailAddress,
            link: i.link,
            notBefore: interval ? Math.round(nextEmailAt) : null,
          };
          nextEmailAt += interval;
        }
        events.push({ invitationId: i.row.id, organizationId, type: 'created', email });
      }
      await recordEvents(tx, lifecycle, events, now);
      wroteOutbox = events.length > 0;
      if (interval) {
        await tx
          .update(imports)
          .set({ nextEmailAt: Math.round(nextEmailAt) })
          .where(and(eq(imports.organizationId, organizationId), eq(imports.id, importId)));
      }
      await recordImportOutcomes(tx, organizationId, importId, outcomes, now);
      await tx.execute(settleImport(organizationId, importId, now));
      return claimed.length;
    });
    if (wroteOutbox) this.ctx.onOutboxWrite?.();
    return done;
  }

  /**
   * How many of `wanted` new invitations fit the membership quota and the limits, counted exactly: the
   * organization's row is locked first, as every limited create does (membership-quota.ts, limits.ts).
   * The rows beyond it are reported with the tightest bound's result and reason.
   */
  private async room(
    tx: Database,
    organizationId: string,
    inviterId: string | null,
    wanted: number,
    now: number,
  ): Promise<Room> {
    const { maxPendingPerOrganization: maxPending, maxPerInviterPerHour: perHour } =
      this.ctx.lifecycle.limits;
    const all: Room = { n: wanted, result: 'created', reason: '' };
    if (wanted === 0) return all;
    const [org] = await tx
      .select({ max: organizations.maxAllowedMemberships })
      .from(organizations)
      .where(eq(organizations.id, organizationId));
    const quota = org?.max ?? 0;
    const hourly = perHour > 0 && inviterId !== null;
    if (quota === 0 && maxPending === 0 && !hourly) return all;
    const lock = tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, organizationId));
    await (quota > 0 ? lock.for('update') : lock.for('no key update'));
    const [[members], [pending], [recent]] = await Promise.all([
      tx.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, organizationId)),
      tx
        .select({ n: count() })
        .from(oi)
        .where(and(eq(oi.organizationId, organizationId), statusFilter(oi, ['pending'], now))),
      hourly
        ? tx
            .select({ n: count() })
            .from(oi)
            .where(
              and(
                eq(oi.organizationId, organizationId),
                eq(oi.inviterId, inviterId!),
                gt(oi.createdAt, now - 3_600_000),
              ),
            )
        : Promise.resolve([{ n: 0 }]),
    ]);
    const bounds: Room[] = [all];
    if (quota > 0) {
      bounds.push({
        n: quota - (members?.n ?? 0) - (pending?.n ?? 0),
        result: 'quota_exceeded',
        reason: `The organization's limit of ${quota} memberships, including outstanding invitations, is reached`,
      });
    }
    if (maxPending > 0) {
      bounds.push({
        n: maxPending - (pending?.n ?? 0),
        result: 'limit_exceeded',
        reason: `The organization may hold at most ${maxPending} pending invitations (limits.maxPendingPerOrganization)`,
      });
    }
    if (hourly) {
      bounds.push({
        n: perHour - (recent?.n ?? 0),
        result: 'limit_exceeded',
        reason: `User ${inviterId} may send at most ${perHour} invitations per hour in this organization (limits.maxPerInviterPerHour)`,
      });
    }
    const tightest = bounds.reduce((a, b) => (b.n < a.n ? b : a));
    return { ...tightest, n: Math.max(0, tightest.n) };
  }

  /** 404 for an unknown organization; 403 unless the inviter, when given, is one of its admins. */
  private async requireOrganization(organizationId: string, inviterId: string | null): Promise<void> {
    const [row] = await this.ctx.db
      .select({ id: organizations.id, name: organizations.name, role: memberships.role })
      .from(organizations)
      .leftJoin(
        memberships,
        and(eq(memberships.organizationId, organizations.id), eq(memberships.userId, inviterId ?? '')),
      )
      .where(eq(organizations.id, organizationId));
    if (!row) throw notFound('organization', organizationId);
    if (inviterId !== null && !this.ctx.roles.isAdmin(row.role)) {
      throw notAnAdmin(inviterId, row, 'inviter_user_id');
    }
  }
}

const outcome = (r: ClaimedImportRow, result: ImportRowResult, reason: string | null): ImportRowOutcome => ({
  row_number: r.row_number,
  result,
  reason,
  invitation_id: null,
});

const toRowJson = (r: CheckedImportRow) => ({
  row_number: r.row,
  email_address: r.emailAddress,
  role: r.role,
  public_metadata: r.publicMetadata,
  private_metadata: r.privateMetadata,
  locale: r.locale,
  status: r.result ? ('done' as const) : ('pending' as const),
  result: r.result,
  reason: r.reason,
});
