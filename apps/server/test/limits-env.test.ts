import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { startServer } from '../src/server.js';

const base = { INVITEKIT_SECRET_KEY: 'sk_test_env', PORT: '0', HOST: '127.0.0.1' };

describe('limits from the environment', () => {
  it('leaves unset limits to core (its safe defaults), and reads each set one, 0 included', () => {
    expect(configFromEnv(base).invitekit.limits).toEqual({});
    expect(configFromEnv(base).invitekit.trustedProxies).toBeUndefined();
    const config = configFromEnv({
      ...base,
      INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION: '50000',
      INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR: '0',
      INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE: ' 10 ',
      INVITEKIT_TRUSTED_PROXIES: '2',
    });
    expect(config.invitekit.limits).toEqual({
      maxPendingPerOrganization: 50000,
      maxPerInviterPerHour: 0,
      maxTokenRequestsPerClientPerMinute: 10,
    });
    expect(config.invitekit.trustedProxies).toBe(2);
  });

  it('refuses anything but a whole number ≥ 0, naming the variable', () => {
    for (const value of ['-1', '1.5', 'off', '1e3', '0x10']) {
      expect(() => configFromEnv({ ...base, INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION: value })).toThrow(
        /INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION must be a whole number/,
      );
    }
    expect(() => configFromEnv({ ...base, INVITEKIT_TRUSTED_PROXIES: 'true' })).toThrow(
      /INVITEKIT_TRUSTED_PROXIES must be a whole number/,
    );
  });

  it('the standalone server enforces what the environment sets', async () => {
    const config = configFromEnv({
      ...base,
      INVITEKIT_DATA_DIR: 'memory://',
      INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE: '1',
    });
    const running = await startServer(config, pino({ level: 'silent' }));
    try {
      const preview = () =>
        fetch(`${running.url}/frontend/v1/tickets/preview`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: 'not-a-real-token' }),
        });
      expect((await preview()).status).toBe(404);
      const refused = await preview();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as any).errors[0].code).toBe('too_many_requests');
    } finally {
      await running.stop();
    }
  });
});
