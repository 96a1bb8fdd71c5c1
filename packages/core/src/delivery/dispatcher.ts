import { TOKEN_PARAM } from '../domain/links.js';
import type { Roles } from '../domain/roles.js';
import { parseToken, secretMatches } from '../domain/tokens.js';
import type { DirectDelivery, DirectEmail } from '../services/context.js';
import { effectRows, type InvitationEventSpec, type InvitationEventType } from '../services/effects.js';
import type { Lifecycle } from '../services/lifecycle-config.js';
import type { OpenDatabase } from '../storage/database.js';
import type { Messages } from './locale.js';
import { type EmailMessage, isPermanent, type Mailer } from './mailer.js';
import type { DeliveryLog, ResolvedDeliveryOptions } from './options.js';
import { claimDue, recordOutcomes } from './outbox-statements.js';
import { type EventSnapshot, invitationFromSnapshot } from './snapshot.js';
import type {
  ApplicationInvitationEmailVars,
  OrganizationInvitationEmailVars,
  RenderedEmail,
} from './templates.js';
import { type DeliveryEvent, postWebhook, webhookPayload } from './webhooks.js';

export interface DispatcherDeps {
  /** Prepared statements (storage/database.ts): the outbox statements run on every claim and record. */
  run: OpenDatabase['run'];
  lifecycle: Lifecycle;
  roles: Roles;
  now: () => number;
  mailer: Mailer;
  email: {
    from: string;
    organizationInvitation: (vars: OrganizationInvitationEmailVars) => RenderedEmail;
    applicationInvitation: (vars: ApplicationInvitationEmailVars) => RenderedEmail;
    /** Reminder emails (`reminded` events, delivery/reminders.ts). */
    organizationInvitationReminder: (vars: OrganizationInvitationEmailVars) => RenderedEmail;
    applicationInvitationReminder: (vars: ApplicationInvitationEmailVars) => RenderedEmail;
  };
  instanceId: string;
  /** Resolves an invitation's locale (null: the configured one) for the templates' `locale`. */
  messages: Pick<Messages, 'resolve'>;
  options: ResolvedDeliveryOptions;
  log: DeliveryLog;
  /**
   * Reports a database error; true when it is an outage, which is then logged once per outage (storage/
   * availability.ts) rather than here on every tick.
   */
  outage: (err: unknown) => boolean;
}

/** An outbox row claimed for one attempt, with its event and, for emails, the invitation as it is now. */
interface Claimed {
  id: string;
  kind: 'email' | 'webhook';
  target: string;
  link: string | null;
  /** This attempt's number; also the lease's fencing token (see mark()). */
  attempts: number;
  event: DeliveryEvent;
  /**
   * Emails only: the invitation as the claim read it (null: it is gone), or `handedOver` for an email the
   * write that made it handed over right after its commit, whose link is the invitation's current one.
   */
  current: { status: string; expiresAt: number; tokenHash: string | null } | null | 'handedOver';
}

type Outcome =
  | { status: 'delivered' }
  | { status: 'pending'; error: string; nextAttemptAt: number }
  | { status: 'failed'; error: string };

interface Mark {
  row: Claimed;
  outcome: Outcome;
  done: () => void;
}

/** While the database is down, how often outcomes waiting to be recorded are tried again, in ms. */
const OUTAGE_RECORD_RETRY_MS = 500;

/** Handed-over and reserved emails one process holds at most, as a multiple of `concurrency`. */
const DIRECT_QUEUE_FACTOR = 8;

const errorText = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 500);

/**
 * Delivers the outbox: claims due messages in a short statement that leases them (FOR UPDATE SKIP LOCKED;
 * the lease pushes `next_attempt_at` forward and counts the attempt), sends outside any transaction, then
 * records the outcome. Records are fenced by the attempt number, so a process whose lease ran out cannot
 * overwrite a newer attempt's outcome. Outcomes are written in batches, one statement each, with the
 * `emailed` / `delivery_failed` events of emails.
 *
 * The direct path (DirectDelivery): a write that emails can reserve a slot here first. Its outbox row is
 * then written already claimed by this process (attempt 1, leased), and handed over after the commit, so
 * the invitation email costs no claim: no scan of the outbox and no second update of its row. If this
 * process dies before recording the outcome, the lease runs out and any dispatcher claims the row as usual.
 */
export class Dispatcher implements DirectDelivery {
  private running = false;
  private soonTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  /** The last claim filled every free slot: more may be due. */
  private backlog = false;
  private readonly active = new Set<Promise<void>>();
  /** Handed-over emails waiting for a free slot. */
  private direct: Claimed[] = [];
  /** Slots reserved by writes not yet committed. */
  private reserved = 0;
  private marks: Mark[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => this.wake(), this.deps.options.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** After a write to the outbox: looks for due messages shortly, once for all writes until then. */
  soon(): void {
    if (!this.running || this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      this.wake();
    }, this.deps.options.wakeDelayMs);
  }

  /**
   * Reserves the sending of one email for a write about to commit; returns the lease's end to write on its
   * outbox row, or null when this process is not delivering or already holds enough (then the row is
   * written due, for any dispatcher to claim). Follow with handoff() after the commit, or release().
   */
  reserve(): number | null {
    if (!this.running) return null;
    const { concurrency, leaseMs } = this.deps.options;
    // Enough to keep every slot busy without holding many leased messages in memory.
    if (this.active.size + this.direct.length + this.reserved >= concurrency * DIRECT_QUEUE_FACTOR)
      return null;
    this.reserved++;
    return this.deps.now() + leaseMs;
  }

  /** The write did not commit (or emailed no one): frees its reservation. */
  release(): void {
    this.reserved = Math.max(0, this.reserved - 1);
  }

  /** The write committed: sends its email (now, or when a slot frees). */
  handoff(email: DirectEmail): void {
    this.release();
    const row: Claimed = {
      id: email.messageId,
      kind: 'email',
      target: email.to,
      link: email.link,
      attempts: 1,
      event: { ...email.event, snapshot: email.event.snapshot as EventSnapshot | null },
      current: 'handedOver',
    };
    // After stop() has finished, nothing sends it here: the lease runs out and a dispatcher claims it.
    if (!this.running && this.active.size === 0) return;
    if (this.active.size < this.deps.options.concurrency) this.track(row);
    else this.direct.push(row);
  }

  /** Looks for due messages now (on the poll timer, and when a backlog frees slots). */
  wake(): void {
    if (!this.running) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.pump().finally(() => {
      this.claiming = null;
    });
  }

  /** Stops claiming (after one last claim if a write asked for delivery); waits (bounded) for sends in flight and their records. */
  async stop(): Promise<void> {
    // A write that has just asked for delivery (its wake-up is still pending) gets one last claim, so a
    // close() right after a create still sends that email instead of leaving it to another process.
    const wakePending = this.soonTimer !== undefined;
    clearTimeout(this.soonTimer);
    this.soonTimer = undefined;
    if (wakePending) this.wake();
    this.running = false;
    clearInterval(this.timer);
    const settled = (async () => {
      await this.claiming;
      while (this.active.size > 0) await Promise.allSettled([...this.active]);
      await this.flushing;
    })();
    let timeout: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>((resolve) => {
        timeout = setTimeout(() => resolve(true), this.deps.options.shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timeout);
    if (gaveUp) {
      this.deps.log(
        'warn',
        'delivery: sends still in flight at shutdown; they are retried after their lease',
        {
          inFlight: this.active.size,
        },
      );
    }
  }

  private async pump(): Promise<void> {
    const { concurrency } = this.deps.options;
    try {
      do {
        this.claimAgain = false;
        const free = concurrency - this.active.size;
        if (free <= 0 || !this.running) break;
        const rows = await this.claim(free);
        this.backlog = rows.length === free;
        for (const row of rows) this.track(row);
        if (this.backlog) this.claimAgain = true;
      } while (this.claimAgain && this.running);
    } catch (err) {
      // During an outage the poll timer keeps trying, quietly: claims resume when the database is back.
      if (!this.deps.outage(err)) this.deps.log('error', 'delivery: claiming due messages failed', { err });
    }
  }

  private track(row: Claimed): void {
    const p = this.deliver(row).finally(() => {
      this.active.delete(p);
      // Handed-over emails first (they are leased to this process already), also while stopping.
      const next = this.direct.shift();
      if (next) return this.track(next);
      // Under a backlog, claim again once half the slots are free: fewer, larger claims.
      if (this.backlog && this.active.size <= this.deps.options.concurrency / 2) this.wake();
    });
    this.active.add(p);
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const now = this.deps.now();
    const leaseUntil = now + this.deps.options.leaseMs;
    const rows = await this.deps.run<Record<string, unknown>>(claimDue, [now, limit, leaseUntil]);
    return rows.map((r) => {
      const current = r.current as { status: string; expires_at: number; token_hash: string | null } | null;
      return {
        id: String(r.id),
        kind: r.kind as Claimed['kind'],
        target: String(r.target),
        link: (r.link as string | null) ?? null,
        attempts: Number(r.attempts),
        event: {
          id: String(r.event_id),
          invitationId: String(r.invitation_id),
          organizationId: (r.organization_id as string | null) ?? null,
          type: r.type as InvitationEventType,
          data: (r.data as Record<string, unknown>) ?? {},
          snapshot: (r.snapshot as EventSnapshot | null) ?? null,
          createdAt: Number(r.created_at),
        },
        current: current
          ? { status: current.status, expiresAt: Number(current.expires_at), tokenHash: current.token_hash }
          : null,
      };
    });
  }

  /** One attempt: send, then queue the outcome's record and wait for it. Never rejects. */
  private async deliver(row: Claimed): Promise<void> {
    let outcome: Outcome;
    try {
      const skip = row.kind === 'email' ? this.staleEmail(row) : null;
      if (skip) {
        outcome = { status: 'failed', error: skip };
      } else {
        await this.withTimeout(row.kind === 'email' ? this.sendEmail(row) : this.sendWebhook(row));
        outcome = { status: 'delivered' };
      }
    } catch (err) {
      const failed = this.failure(row, err);
      this.deps.log(failed.status === 'failed' ? 'warn' : 'info', `delivery: ${row.kind} attempt failed`, {
        message_id: row.id,
        attempt: row.attempts,
        error: failed.error,
        will_retry: failed.status === 'pending',
      });
      outcome = failed;
    }
    await new Promise<void>((done) => {
      this.marks.push({ row, outcome, done });
      this.flush();
    });
  }

  /**
   * An email whose link no longer works is not sent: the invitation was revoked, accepted, expired, or
   * given a new token (resent) since. Returns why, or null to send.
   */
  private staleEmail(row: Claimed): string | null {
    const current = row.current;
    if (current === 'handedOver') return null;
    if (!current) return 'not sent: the invitation no longer exists';
    if (current.status !== 'pending') return `not sent: the invitation is ${current.status}`;
    if (current.expiresAt <= this.deps.now()) return 'not sent: the invitation has expired';
    if (!row.link) return 'not sent: no accept link';
    let token: string | null = null;
    try {
      token = new URL(row.link).searchParams.get(TOKEN_PARAM);
    } catch {}
    const parsed = token ? parseToken(token) : null;
    const stored = current.tokenHash ? Buffer.from(current.tokenHash, 'hex') : null;
    if (!parsed || !secretMatches(parsed.secret, stored))
      return 'not sent: the link was replaced by a newer one';
    return null;
  }

  private failure(row: Claimed, err: unknown): Exclude<Outcome, { status: 'delivered' }> {
    const error = errorText(err);
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.deps.options;
    if (isPermanent(err) || row.attempts >= maxAttempts) return { status: 'failed', error };
    // Exponential backoff with jitter: half the delay fixed, half random, so retries spread out.
    const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (row.attempts - 1));
    const nextAttemptAt = this.deps.now() + Math.round(delay / 2 + (Math.random() * delay) / 2);
    return { status: 'pending', error, nextAttemptAt };
  }

  private async withTimeout(send: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.deps.options.sendTimeoutMs;
    try {
      await Promise.race([
        send,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`send timed out after ${ms} ms`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async sendEmail(row: Claimed): Promise<void> {
    await this.deps.mailer.send(this.render(row));
  }

  /** Renders an invitation email from its event's snapshot and the outbox row's link. */
  render(row: Pick<Claimed, 'target' | 'link' | 'event'>): EmailMessage {
    const { event } = row;
    if (!event.snapshot) throw new Error(`event ${event.id} has no snapshot`);
    const link = row.link!;
    const found = invitationFromSnapshot(event.snapshot, event.createdAt);
    const resent = event.type === 'resent';
    const { email } = this.deps;
    const reminder = event.type === 'reminded';
    let rendered: RenderedEmail;
    if ('organizationInvitation' in found) {
      const i = found.organizationInvitation;
      const inviter = i.inviter;
      rendered = (reminder ? email.organizationInvitationReminder : email.organizationInvitation)({
        invitationId: i.id,
        emailAddress: i.emailAddress,
        organization: found.organization ?? { id: i.organizationId, name: i.organizationId, slug: '' },
        inviter: inviter
          ? {
              userId: inviter.userId,
              name: [inviter.firstName, inviter.lastName].filter(Boolean).join(' ') || null,
              identifier: inviter.identifier,
            }
          : null,
        role: { key: i.role, name: this.deps.roles.name(i.role) },
        link,
        expiresAt: i.expiresAt,
        publicMetadata: i.publicMetadata,
        resent,
        locale: this.deps.messages.resolve(i.locale),
      });
    } else {
      const i = found.applicationInvitation;
      rendered = (reminder ? email.applicationInvitationReminder : email.applicationInvitation)({
        invitationId: i.id,
        emailAddress: i.emailAddress,
        link,
        expiresAt: i.expiresAt,
        publicMetadata: i.publicMetadata,
        resent,
        locale: this.deps.messages.resolve(i.locale),
      });
    }
    // A subject is one header line, whatever a template or a name put in it.
    const subject = rendered.subject.replace(/[\r\n]+/g, ' ').trim();
    return { from: this.deps.email.from, to: row.target, ...rendered, subject, link };
  }

  private async sendWebhook(row: Claimed): Promise<void> {
    const endpoint = this.deps.lifecycle.webhooks.find((w) => w.url === row.target);
    if (!endpoint) {
      throw Object.assign(new Error('the webhook endpoint is no longer configured'), { permanent: true });
    }
    const body = JSON.stringify(webhookPayload(row.event, this.deps.roles, this.deps.instanceId));
    await postWebhook(endpoint, row.id, body, {
      timeoutMs: this.deps.options.webhookTimeoutMs,
      now: Date.now(),
    });
  }

  /** Writes queued outcomes, one statement per batch; outcomes that arrive meanwhile form the next. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      while (this.marks.length > 0) {
        const batch = this.marks;
        this.marks = [];
        let kept = false;
        try {
          await this.write(batch);
        } catch (err) {
          if (this.deps.outage(err)) {
            // Keep the outcomes and write them once the database is back, rather than send these messages
            // again after their lease. Once stopping, give up: the lease covers them.
            if (this.running) {
              this.marks = [...batch, ...this.marks];
              kept = true;
              await new Promise((resolve) => setTimeout(resolve, OUTAGE_RECORD_RETRY_MS));
            }
          } else {
            // The rows stay leased; once the lease ends they are attempted again.
            this.deps.log('error', 'delivery: recording outcomes failed', { err, messages: batch.length });
          }
        } finally {
          if (!kept) for (const m of batch) m.done();
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
  }

  private async write(batch: Mark[]): Promise<void> {
    const now = this.deps.now();
    const records = batch.map(({ row, outcome }) => ({
      id: row.id,
      attempts: row.attempts,
      status: outcome.status,
      next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt : null,
      last_error: outcome.status === 'delivered' ? null : outcome.error,
    }));
    const specs: InvitationEventSpec[] = [];
    for (const { row, outcome } of batch) {
      if (row.kind !== 'email' || outcome.status === 'pending') continue;
      specs.push({
        invitationId: row.event.invitationId,
        organizationId: row.event.organizationId,
        type: outcome.status === 'delivered' ? 'emailed' : 'delivery_failed',
        data: {
          message_id: row.id,
          to: row.target,
          attempts: row.attempts,
          ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
        },
      });
    }
    // These events email no one and no webhook subscribes to them: effectRows gives them no outbox rows.
    const events = effectRows(this.deps.lifecycle, specs, now).events.map((e) => ({
      ...e,
      message_id: e.data.message_id,
    }));
    await this.deps.run(recordOutcomes, [JSON.stringify(records), now, JSON.stringify(events)]);
  }
}
