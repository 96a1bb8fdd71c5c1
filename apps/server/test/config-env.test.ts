import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { ConfigError, envBool, envInt, envOrigins, envUrl } from '../src/env.js';
import { createLogger } from '../src/logger.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));

describe('environment helpers', () => {
  it('envInt: the default when unset, the value within bounds, else an error naming the variable', () => {
    expect(envInt({}, 'N', { fallback: 7 })).toBe(7);
    expect(envInt({ N: ' 42 ' }, 'N', { min: 1, max: 100 })).toBe(42);
    for (const bad of ['abc', '4.5', '0', '101', '1e3']) {
      expect(() => envInt({ N: bad }, 'N', { min: 1, max: 100 })).toThrow(
        new ConfigError(`N must be an integer from 1 to 100, got ${JSON.stringify(bad)}`),
      );
    }
  });

  it('envUrl and envOrigins check the scheme and never echo credentials', () => {
    expect(envUrl({ U: 'postgres://u:p@h/db' }, 'U', ['postgres:'])).toBe('postgres://u:p@h/db');
    expect(() => envUrl({ U: 'mysql://user:secret@h/db' }, 'U', ['postgres:'])).toThrow(
      'U must be a URL (postgres://…), got a mysql: URL',
    );
    expect(() => envUrl({ U: 'user:secret@h' }, 'U', ['postgres:'])).not.toThrow(/secret/);
    expect(envOrigins({ O: 'https://a.example.com, http://localhost:5173/' }, 'O')).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    expect(() => envOrigins({ O: 'https://a.example.com/path' }, 'O')).toThrow(/O must list origins/);
    expect(envBool({ B: 'yes' }, 'B')).toBe(true);
    expect(() => envBool({ B: 'maybe' }, 'B')).toThrow('B must be true or false, got "maybe"');
  });
});

describe('configFromEnv', () => {
  const base = { INVITEKIT_SECRET_KEY: 'sk_x' };
  it.each([
    [{ PORT: 'http' }, /^PORT must be an integer from 0 to 65535, got "http"$/],
    [{ PORT: '70000' }, /^PORT must be an integer/],
    [
      { DATABASE_URL: 'localhost:5432' },
      /^DATABASE_URL must be a URL \(postgres:\/\/… or postgresql:\/\/…\)/,
    ],
    [
      { DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: 'many' },
      /^DATABASE_POOL_SIZE must be an integer/,
    ],
    [{ SMTP_URL: 'mail.example.com:587' }, /^SMTP_URL must be a URL \(smtp:\/\/… or smtps:\/\/…\)/],
    [{ INVITEKIT_ACCEPT_URL: '/accept' }, /^INVITEKIT_ACCEPT_URL must be a URL/],
    [{ INVITEKIT_REDIRECT_ORIGINS: 'app.example.com' }, /^INVITEKIT_REDIRECT_ORIGINS must list origins/],
    [
      { INVITEKIT_WEBHOOK_URL: 'hooks', INVITEKIT_WEBHOOK_SECRET: 'whsec_x' },
      /^INVITEKIT_WEBHOOK_URL must be a URL/,
    ],
    [
      { NODE_ENV: 'production', INVITEKIT_SECRET_KEY: ' ' },
      /^INVITEKIT_SECRET_KEY is required in production$/,
    ],
  ])('%o fails naming the variable', (env, message) => {
    expect(() => configFromEnv({ ...base, ...env })).toThrow(message);
  });

  it('INVITEKIT_WEBHOOK_EVENTS names what the endpoint hears (Invitekit extension types included)', () => {
    const env = {
      INVITEKIT_SECRET_KEY: 'sk_test_x',
      INVITEKIT_WEBHOOK_URL: 'https://hooks.example.com/in',
      INVITEKIT_WEBHOOK_SECRET: 'whsec_x',
    };
    expect(configFromEnv(env).invitekit.webhooks).toEqual([
      { url: 'https://hooks.example.com/in', secret: 'whsec_x' },
    ]);
    const named = configFromEnv({
      ...env,
      INVITEKIT_WEBHOOK_EVENTS: 'joinLink.joined, organizationInvitation.created',
    });
    expect(named.invitekit.webhooks?.[0]?.events).toEqual([
      'joinLink.joined',
      'organizationInvitation.created',
    ]);
    expect(() =>
      configFromEnv({ INVITEKIT_SECRET_KEY: 'sk_test_x', INVITEKIT_WEBHOOK_EVENTS: 'x.y' }),
    ).toThrow(/^INVITEKIT_WEBHOOK_EVENTS needs INVITEKIT_WEBHOOK_URL/);
  });

  it('INVITEKIT_PGLITE_SETTINGS reaches the embedded database only; INVITEKIT_BACKGROUND=false turns background work off', () => {
    const env = { INVITEKIT_SECRET_KEY: 'sk_test_x' };
    expect(
      configFromEnv({ ...env, INVITEKIT_PGLITE_SETTINGS: 'shared_buffers=64MB, work_mem = 8MB' }).invitekit
        .database,
    ).toEqual({ dataDir: './.invitekit', pgliteSettings: { shared_buffers: '64MB', work_mem: '8MB' } });
    expect(configFromEnv(env).invitekit.database).toEqual({ dataDir: './.invitekit' });
    expect(() => configFromEnv({ ...env, INVITEKIT_PGLITE_SETTINGS: 'shared_buffers' })).toThrow(
      /^INVITEKIT_PGLITE_SETTINGS must be name=value pairs/,
    );
    expect(() =>
      configFromEnv({
        ...env,
        DATABASE_URL: 'postgres://h/db',
        INVITEKIT_PGLITE_SETTINGS: 'shared_buffers=64MB',
      }),
    ).toThrow(/^INVITEKIT_PGLITE_SETTINGS is set, but DATABASE_URL is too/);
    expect(configFromEnv(env).background).toBe(true);
    expect(configFromEnv({ ...env, INVITEKIT_BACKGROUND: 'false' }).background).toBe(false);
  });

  it('INVITEKIT_LOCALE is a BCP 47 tag, canonicalised; anything else fails naming it', () => {
    const env = { INVITEKIT_SECRET_KEY: 'sk_test_x' };
    expect(configFromEnv({ ...env, INVITEKIT_LOCALE: 'fr-ca' }).invitekit.locale).toBe('fr-CA');
    expect(configFromEnv(env).invitekit).not.toHaveProperty('locale');
    expect(() => configFromEnv({ ...env, INVITEKIT_LOCALE: 'french please' })).toThrow(
      new ConfigError(
        'INVITEKIT_LOCALE must be a BCP 47 language tag such as en, fr or de-AT, got "french please"',
      ),
    );
  });

  it('LOG_FORMAT and LOG_LEVEL are checked too', () => {
    expect(() => createLogger({ LOG_FORMAT: 'yaml' }, { isTTY: false })).toThrow(
      'LOG_FORMAT must be pretty or json, got "yaml"',
    );
    expect(() => createLogger({ LOG_LEVEL: 'loud' }, { isTTY: false })).toThrow(/^LOG_LEVEL must be one of/);
  });
});

/** Runs the real server with an environment; resolves with its exit code and output. */
function runServer(env: Record<string, string>, until?: RegExp) {
  const child = spawn(process.execPath, ['--conditions=invitekit-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      INVITEKIT_DATA_DIR: 'memory://',
      DATABASE_URL: '',
      ...env,
    },
  });
  let out = '';
  const onData = (d: Buffer) => {
    out += d;
    if (until?.test(out)) {
      until = undefined;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, out })),
  );
}

describe('the server process', () => {
  it('fails at start with one line naming the variable, and no stack trace', async () => {
    const { code, out } = await runServer({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(out).toContain('invalid configuration: PORT must be an integer from 0 to 65535, got \\"eighty\\"');
    expect(out).not.toMatch(/\bat .+\.ts:\d+/);
  }, 120_000);

  it('logs JSON when piped, and readable lines with LOG_FORMAT=pretty (the default on a terminal)', async () => {
    const json = await runServer({ INVITEKIT_SECRET_KEY: 'sk_x' }, /listening on/);
    expect(json.code).toBe(0);
    expect(json.out).toContain('"msg":"stopped"');
    const lines = json.out.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const pretty = await runServer({ INVITEKIT_SECRET_KEY: 'sk_x', LOG_FORMAT: 'pretty' }, /listening on/);
    expect(pretty.code).toBe(0);
    expect(pretty.out).toMatch(/INFO.*Invitekit listening on http:\/\/127\.0\.0\.1:\d+ \(pglite\)/);
    expect(pretty.out).toMatch(/INFO.*stopped/);
    expect(pretty.out).not.toMatch(/^\{"level"/m);
  }, 180_000);
});
