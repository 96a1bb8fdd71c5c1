import { describe, expect, it } from 'vitest';
import { createInvitekit, type InvitekitConfig } from '../src/index.js';

const fails = (config: unknown) => createInvitekit(config as InvitekitConfig);

describe('createInvitekit validates its configuration before opening anything', () => {
  it('names a missing secret key (an unset environment variable) instead of a TypeError', async () => {
    const err = await fails({
      database: { dataDir: 'memory://' },
      secretKeys: [process.env.INVITEKIT_UNSET_KEY],
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/secretKeys\[0\] is undefined: the environment variable/);
    await expect(fails({ secretKeys: [''] })).rejects.toThrow(/secretKeys\[0\] is empty/);
  });

  it('checks the reminder schedule (an Invitekit extension)', async () => {
    await expect(fails({ reminders: true })).rejects.toThrow(/reminders must be false or \{ afterSendDays\?/);
    await expect(fails({ reminders: { afterSendDays: [0] } })).rejects.toThrow(
      'reminders.afterSendDays[0] must be more than 0 days',
    );
    await expect(fails({ reminders: { max: -1 } })).rejects.toThrow('reminders.max');
    await expect(fails({ reminders: { every: 3 } })).rejects.toThrow('reminders Unrecognized key: "every"');
  });

  it('lists every wrong option by its path', async () => {
    const err = (await fails({
      database: { dataDir: 'memory://', poolSize: 0 },
      acceptUrl: 'localhost:3000/accept',
      smtpUrl: 'mail.example.com',
      redirectOrigins: ['app.example.com'],
      webhooks: [{ url: 'https://hooks.example.com', secret: '' }],
      delivery: { leaseMs: -1 },
      roles: [],
      log: 'console',
      idempotency: { keyTtlMs: 0, lockMs: 1.5 },
    }).catch((e: Error) => e)) as Error;
    for (const path of [
      'database.poolSize',
      'acceptUrl must be a URL',
      'smtpUrl must be a URL (smtp:// or smtps://…)',
      'redirectOrigins[0] must be an origin',
      'webhooks[0].secret must not be empty',
      'delivery.leaseMs',
      'roles must list at least one role',
      'log must be a function',
      'idempotency.keyTtlMs',
      'idempotency.lockMs',
    ]) {
      expect(err.message).toContain(path);
    }
  });

  it('checks the import worker settings (Invitekit extension)', async () => {
    const err = (await fails({
      imports: { batchSize: 0, emailsPerSecond: -1, pollIntervalMs: 1.5 },
    }).catch((e: Error) => e)) as Error;
    for (const path of ['imports.batchSize', 'imports.emailsPerSecond', 'imports.pollIntervalMs']) {
      expect(err.message).toContain(path);
    }
    await expect(fails({ imports: { batchSize: 10_001 } })).rejects.toThrow(/imports\.batchSize/);
  });

  it('takes a valid configuration, extra keys of adapters included', async () => {
    const invitekit = await createInvitekit({
      database: { dataDir: 'memory://' },
      secretKeys: ['sk_test_ok'],
      smtpUrl: undefined,
      acceptUrl: 'https://app.example.com/accept',
      ...({ resolveUser: () => null } as object),
    });
    await invitekit.close();
  }, 120_000);
});
