import type { EmailOptions } from './templates.js';

/** How the dispatcher delivers the outbox. Every field has a default. */
export interface DeliveryOptions {
  /** How often to look for due messages, in ms (default 1000). Writes also wake the dispatcher. */
  pollIntervalMs?: number;
  /**
   * How long a write's wake-up waits, in ms (default 20), so that one claim takes the messages of many
   * writes: under load, claiming per write would cost a statement per message.
   */
  wakeDelayMs?: number;
  /** Attempts before a message is given up and marked `failed` (default 8). */
  maxAttempts?: number;
  /** First retry delay in ms (default 15 000); doubles per attempt, with jitter, up to `retryMaxMs`. */
  retryBaseMs?: number;
  /** Longest retry delay in ms (default 1 hour). */
  retryMaxMs?: number;
  /**
   * How long a claimed message stays reserved for the process sending it, in ms (default 120 000). If
   * that process dies between sending and recording it, the message is sent again once the lease ends.
   * Keep it above the send timeouts.
   */
  leaseMs?: number;
  /**
   * Messages sent at once by one process (default 128); also how many one claim takes at most. Larger
   * claims cost the database less per message.
   */
  concurrency?: number;
  /**
   * SMTP connection, greeting and socket timeout in ms, for the mailer made from `smtpUrl` (default
   * 30 000). A timeout is an outage of the SMTP server: the email is retried.
   */
  smtpTimeoutMs?: number;
  /** Timeout of one webhook request in ms (default 10 000). */
  webhookTimeoutMs?: number;
  /** Upper bound for a send of any kind, in ms (default 30 000); a send still running then is retried. */
  sendTimeoutMs?: number;
  /** How long `close()` waits for sends in flight, in ms (default 10 000). */
  shutdownTimeoutMs?: number;
}

/** The expiry sweeper: writes `expired` on pending invitations past `expires_at`. */
export interface SweeperOptions {
  /** Default 60 000 ms. */
  intervalMs?: number;
  /** Invitations per transaction (default 500). */
  batchSize?: number;
}

/** A log line from background work; the standalone server passes these to pino. */
export type DeliveryLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  data?: Record<string, unknown>,
) => void;

export type ResolvedDeliveryOptions = Required<DeliveryOptions>;
export type ResolvedSweeperOptions = Required<SweeperOptions>;

export const resolveDelivery = (o: DeliveryOptions = {}): ResolvedDeliveryOptions => ({
  pollIntervalMs: o.pollIntervalMs ?? 1000,
  wakeDelayMs: o.wakeDelayMs ?? 20,
  maxAttempts: Math.max(1, o.maxAttempts ?? 8),
  retryBaseMs: o.retryBaseMs ?? 15_000,
  retryMaxMs: o.retryMaxMs ?? 3_600_000,
  leaseMs: o.leaseMs ?? 120_000,
  concurrency: Math.max(1, o.concurrency ?? 128),
  smtpTimeoutMs: o.smtpTimeoutMs ?? 30_000,
  webhookTimeoutMs: o.webhookTimeoutMs ?? 10_000,
  sendTimeoutMs: o.sendTimeoutMs ?? 30_000,
  shutdownTimeoutMs: o.shutdownTimeoutMs ?? 10_000,
});

export const resolveSweeper = (o: SweeperOptions = {}): ResolvedSweeperOptions => ({
  intervalMs: o.intervalMs ?? 60_000,
  batchSize: Math.max(1, o.batchSize ?? 500),
});

export const DEFAULT_FROM = 'Invitekit <no-reply@invitekit.localhost>';

export type { EmailOptions };
