import type { DeliveryOptions, ReminderOptions, SweeperOptions } from '@invitekit/core';
import { ConfigError, defined, envBool, envInt, envNumberList } from './env.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Delivery and sweeper settings from the environment (each optional; core's default when unset):
 * INVITEKIT_DELIVERY_MAX_ATTEMPTS, INVITEKIT_DELIVERY_RETRY_BASE_MS, INVITEKIT_DELIVERY_RETRY_MAX_MS,
 * INVITEKIT_DELIVERY_LEASE_MS, INVITEKIT_DELIVERY_CONCURRENCY, INVITEKIT_DELIVERY_POLL_INTERVAL_MS,
 * INVITEKIT_DELIVERY_SEND_TIMEOUT_MS, INVITEKIT_SMTP_TIMEOUT_MS, INVITEKIT_WEBHOOK_TIMEOUT_MS,
 * INVITEKIT_SWEEPER_INTERVAL_MS, and the reminders (remindersFromEnv). See README.md.
 */
export function deliveryFromEnv(env: NodeJS.ProcessEnv): {
  delivery: DeliveryOptions;
  sweeper: SweeperOptions;
  reminders?: ReminderOptions;
} {
  const ms = (name: string, min = 1, max = DAY_MS) => envInt(env, name, { min, max });
  const delivery = defined<DeliveryOptions>({
    maxAttempts: envInt(env, 'INVITEKIT_DELIVERY_MAX_ATTEMPTS', { min: 1, max: 1000 }),
    retryBaseMs: ms('INVITEKIT_DELIVERY_RETRY_BASE_MS'),
    retryMaxMs: ms('INVITEKIT_DELIVERY_RETRY_MAX_MS', 1, 7 * DAY_MS),
    leaseMs: ms('INVITEKIT_DELIVERY_LEASE_MS', 1000),
    concurrency: envInt(env, 'INVITEKIT_DELIVERY_CONCURRENCY', { min: 1, max: 1000 }),
    pollIntervalMs: ms('INVITEKIT_DELIVERY_POLL_INTERVAL_MS', 10, HOUR_MS),
    sendTimeoutMs: ms('INVITEKIT_DELIVERY_SEND_TIMEOUT_MS', 100, HOUR_MS),
    smtpTimeoutMs: ms('INVITEKIT_SMTP_TIMEOUT_MS', 100, HOUR_MS),
    webhookTimeoutMs: ms('INVITEKIT_WEBHOOK_TIMEOUT_MS', 100, HOUR_MS),
  });
  if (
    delivery.retryBaseMs !== undefined &&
    delivery.retryMaxMs !== undefined &&
    delivery.retryBaseMs > delivery.retryMaxMs
  ) {
    throw new Error('INVITEKIT_DELIVERY_RETRY_BASE_MS must not exceed INVITEKIT_DELIVERY_RETRY_MAX_MS');
  }
  const sweeper = defined<SweeperOptions>({
    intervalMs: ms('INVITEKIT_SWEEPER_INTERVAL_MS', 1000),
  });
  const reminders = remindersFromEnv(env);
  return { delivery, sweeper, ...(reminders ? { reminders } : {}) };
}

const REMINDER_SETTINGS = [
  'INVITEKIT_REMINDER_AFTER_DAYS',
  'INVITEKIT_REMINDER_BEFORE_EXPIRY_DAYS',
  'INVITEKIT_REMINDER_MAX',
  'INVITEKIT_REMINDER_INTERVAL_MS',
  'INVITEKIT_REMINDER_BATCH_SIZE',
];

/**
 * Invitation reminders (an Invitekit extension), off unless INVITEKIT_REMINDERS=true; then core's default
 * schedule (3 days after sending, 1 day before expiry, at most 2) with any of INVITEKIT_REMINDER_AFTER_DAYS
 * (`3,7`, or `none`), INVITEKIT_REMINDER_BEFORE_EXPIRY_DAYS, INVITEKIT_REMINDER_MAX (0–10) and
 * INVITEKIT_REMINDER_INTERVAL_MS, INVITEKIT_REMINDER_BATCH_SIZE in its place. A schedule variable without INVITEKIT_REMINDERS=true is a
 * mistake, refused rather than ignored.
 */
export function remindersFromEnv(env: NodeJS.ProcessEnv): ReminderOptions | undefined {
  if (!envBool(env, 'INVITEKIT_REMINDERS', false)) {
    const stray = REMINDER_SETTINGS.find((name) => env[name]?.trim());
    if (stray) throw new ConfigError(`${stray} is set, but reminders are off: set INVITEKIT_REMINDERS=true`);
    return undefined;
  }
  return defined<ReminderOptions>({
    afterSendDays: envNumberList(env, 'INVITEKIT_REMINDER_AFTER_DAYS', { max: 365 }),
    beforeExpiryDays: envNumberList(env, 'INVITEKIT_REMINDER_BEFORE_EXPIRY_DAYS', { max: 365 }),
    max: envInt(env, 'INVITEKIT_REMINDER_MAX', { min: 0, max: 10 }),
    intervalMs: envInt(env, 'INVITEKIT_REMINDER_INTERVAL_MS', { min: 50, max: DAY_MS }),
    batchSize: envInt(env, 'INVITEKIT_REMINDER_BATCH_SIZE', { min: 1, max: 10_000 }),
  });
}
