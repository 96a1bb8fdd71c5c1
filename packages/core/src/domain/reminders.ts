import { DAY_MS } from './status.js';

/**
 * Invitekit extension: reminder emails for pending invitations. The schedule is a few offsets, some
 * counted from when the invitation was sent, some back from its expiry; an invitation gets at most `max`.
 */
export interface ReminderOptions {
  /** Days after the invitation was created to send a reminder, e.g. `[3]`. Default `[3]`. */
  afterSendDays?: number[];
  /** Days before the invitation expires to send a reminder, e.g. `[1]`. Default `[1]`. */
  beforeExpiryDays?: number[];
  /** Reminders one invitation gets at most (0 sends none). Default 2. */
  max?: number;
  /** How often the reminder sweeper looks for due reminders, in ms. Default 60 000. */
  intervalMs?: number;
  /** Invitations per transaction of the sweeper. Default 200. */
  batchSize?: number;
}

export const DEFAULT_REMINDERS = { afterSendDays: [3], beforeExpiryDays: [1], max: 2 } as const;

/** A resolved schedule: when an invitation's reminders fall due. */
export class ReminderSchedule {
  readonly afterSendMs: number[];
  readonly beforeExpiryMs: number[];
  readonly max: number;
  readonly intervalMs: number;
  readonly batchSize: number;

  constructor(options: ReminderOptions = {}) {
    this.afterSendMs = (options.afterSendDays ?? DEFAULT_REMINDERS.afterSendDays).map((d) => d * DAY_MS);
    this.beforeExpiryMs = (options.beforeExpiryDays ?? DEFAULT_REMINDERS.beforeExpiryDays).map(
      (d) => d * DAY_MS,
    );
    this.max = options.max ?? DEFAULT_REMINDERS.max;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.batchSize = Math.max(1, options.batchSize ?? 200);
  }

  /**
   * The reminder times of an invitation sent at `sentAt` that expires at `expiresAt`, ascending, each
   * strictly between the two (a reminder at or past expiry would carry a dead link). Equal times are one.
   */
  times(sentAt: number, expiresAt: number): number[] {
    const all = [
      ...this.afterSendMs.map((ms) => Math.round(sentAt + ms)),
      ...this.beforeExpiryMs.map((ms) => Math.round(expiresAt - ms)),
    ].filter((t) => t > sentAt && t < expiresAt);
    return [...new Set(all)].sort((a, b) => a - b);
  }

  /**
   * When the next reminder falls due: the first scheduled time after `after`, or null when there is none
   * or `sent` reminders already reach the maximum. Times already past are never caught up on: a sweep that
   * runs late sends one reminder, not several.
   */
  next(sentAt: number, expiresAt: number, after: number, sent = 0): number | null {
    if (sent >= this.max) return null;
    return this.times(sentAt, expiresAt).find((t) => t > after) ?? null;
  }
}

/** The configured schedule, or null when reminders are off (the default: see packages/core/README.md). */
export const reminderSchedule = (options: ReminderOptions | false | undefined): ReminderSchedule | null =>
  options ? new ReminderSchedule(options) : null;

/**
 * When a new invitation's first reminder falls due: none when reminders are off, when it does not email
 * (`notify` false: the host delivers the link itself) or when its create said `reminders: false`.
 */
export function firstReminderAt(
  schedule: ReminderSchedule | null,
  row: { notify: boolean; createdAt: number; expiresAt: number },
  reminders: boolean | null | undefined,
): number | null {
  if (!schedule || !row.notify || reminders === false) return null;
  return schedule.next(row.createdAt, row.expiresAt, row.createdAt);
}

/** An organization's reminder setting (Invitekit extension). */
export interface OrganizationReminderSettings {
  organizationId: string;
  /** Whether its pending invitations get reminders; read when each reminder falls due. */
  enabled: boolean;
  /** Unix ms of the last change; null while the organization has never set it (on). */
  updatedAt: number | null;
}
