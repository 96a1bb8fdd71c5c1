import { createInvitekit } from '@invitekit/core';
import { describe, expect, it } from 'vitest';
import { startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { configFromEnv } from '../src/config.js';

const KEY = { INVITEKIT_SECRET_KEY: 'sk_env' };

describe('delivery, sweeper and database settings from the environment', () => {
  it('reads every setting into core config', () => {
    const c = configFromEnv({
      ...KEY,
      DATABASE_URL: 'postgres://db/invitekit',
      DATABASE_POOL_SIZE: '24',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      DATABASE_STATEMENT_TIMEOUT_MS: '8000',
      INVITEKIT_DELIVERY_MAX_ATTEMPTS: '5',
      INVITEKIT_DELIVERY_RETRY_BASE_MS: '1000',
      INVITEKIT_DELIVERY_RETRY_MAX_MS: '60000',
      INVITEKIT_DELIVERY_LEASE_MS: '90000',
      INVITEKIT_DELIVERY_CONCURRENCY: '8',
      INVITEKIT_DELIVERY_POLL_INTERVAL_MS: '500',
      INVITEKIT_DELIVERY_SEND_TIMEOUT_MS: '20000',
      INVITEKIT_SMTP_TIMEOUT_MS: '15000',
      INVITEKIT_WEBHOOK_TIMEOUT_MS: '5000',
      INVITEKIT_SWEEPER_INTERVAL_MS: '30000',
    });
    expect(c.invitekit.database).toEqual({
      url: 'postgres://db/invitekit',
      poolSize: 24,
      connectTimeoutMs: 2000,
      statementTimeoutMs: 8000,
    });
    expect(c.invitekit.delivery).toEqual({
      maxAttempts: 5,
      retryBaseMs: 1000,
      retryMaxMs: 60000,
      leaseMs: 90000,
      concurrency: 8,
      pollIntervalMs: 500,
      sendTimeoutMs: 20000,
      smtpTimeoutMs: 15000,
      webhookTimeoutMs: 5000,
    });
    expect(c.invitekit.sweeper).toEqual({ intervalMs: 30000 });
  });

  it('leaves unset settings to core defaults', () => {
    const c = configFromEnv({ ...KEY, INVITEKIT_DATA_DIR: '/tmp/x' });
    expect(c.invitekit.database).toEqual({ dataDir: '/tmp/x' });
    expect(c.invitekit.delivery).toEqual({});
    expect(c.invitekit.sweeper).toEqual({});
  });

  it.each([
    ['INVITEKIT_DELIVERY_MAX_ATTEMPTS', '0'],
    ['INVITEKIT_DELIVERY_CONCURRENCY', 'many'],
    ['INVITEKIT_DELIVERY_LEASE_MS', '2m'],
    ['INVITEKIT_SWEEPER_INTERVAL_MS', '-5'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '1.5'],
    ['DATABASE_POOL_SIZE', '0'],
  ])('refuses %s=%s at start, naming the variable', (name, value) => {
    expect(() => configFromEnv({ ...KEY, DATABASE_URL: 'postgres://db/x', [name]: value })).toThrow(name);
  });

  it('refuses a retry base above the retry cap', () => {
    expect(() =>
      configFromEnv({
        ...KEY,
        INVITEKIT_DELIVERY_RETRY_BASE_MS: '5000',
        INVITEKIT_DELIVERY_RETRY_MAX_MS: '1000',
      }),
    ).toThrow(/RETRY_BASE_MS/);
  });

  it('delivers with the settings it read: attempts and backoff from the environment', async () => {
    const smtp = await startSmtpServer({
      policy: (_to, attempt) => (attempt <= 2 ? { code: 451, message: 'later' } : null),
    });
    const c = configFromEnv({
      ...KEY,
      INVITEKIT_DATA_DIR: 'memory://',
      SMTP_URL: smtp.url,
      INVITEKIT_DELIVERY_MAX_ATTEMPTS: '2',
      INVITEKIT_DELIVERY_RETRY_BASE_MS: '20',
      INVITEKIT_DELIVERY_RETRY_MAX_MS: '40',
      INVITEKIT_DELIVERY_POLL_INTERVAL_MS: '20',
    });
    const ik = await createInvitekit(c.invitekit);
    try {
      const org = await ik.services.organizations.create({ name: 'Env' });
      ik.start();
      await ik.services.organizationInvitations.create(org.id, {
        emailAddress: 'env@example.com',
        role: 'org:member',
      });
      // Both attempts deferred, 20-40 ms apart (the default backoff would wait 15 s); with
      // INVITEKIT_DELIVERY_MAX_ATTEMPTS=2 there is no third.
      await waitFor('two attempts', () => smtp.attempts.get('env@example.com') === 2);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.attempts.get('env@example.com')).toBe(2);
      expect(smtp.received).toHaveLength(0);
    } finally {
      await ik.close();
      await smtp.close();
    }
  });
});
