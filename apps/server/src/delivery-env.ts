import type { DeliveryOptions, SweeperOptions } from '@invitekit/core';
import { defined, envInt } from './env.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Delivery and sweeper settings from the environment (each optional; core's default when unset):
 * INVITEKIT_DELIVERY_MAX_ATTEMPTS, INVITEKIT_DELIVERY_RETRY_BASE_MS, INVITEKIT_DELIVERY_RETRY_MAX_MS,
 * INVITEKIT_DELIVERY_LEASE_MS, INVITEKIT_DELIVERY_CONCURRENCY, INVITEKIT_DELIVERY_POLL_INTERVAL_MS,
 * INVITEKIT_DELIVERY_SEND_TIMEOUT_MS, INVITEKIT_SMTP_TIMEOUT_MS, INVITEKIT_WEBHOOK_TIMEOUT_MS,
 * INVITEKIT_SWEEPER_INTERVAL_MS. See README.md.
 */
export function deliveryFromEnv(env: NodeJS.ProcessEnv): {
  delivery: DeliveryOptions;
  sweeper: SweeperOptions;
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
  return { delivery, sweeper };
}
