import { createHmac } from 'node:crypto';
import { createBackendClient } from '@invitekit/client';
import { configFromEnv } from '../../apps/server/src/config.js';
import { startServer } from '../../apps/server/src/server.js';

// The standalone server as its environment configures it (session JWTs verified with
// INVITEKIT_JWT_SECRET), on an in-memory PGlite database and a real port, for client and hook tests.

export const SECRET_KEY = 'sk_test_client';
export const JWT_SECRET = 'test-jwt-secret-for-invitekit-clients-0123456789';
export const ACCEPT_URL = 'http://app.example.test/accept';

/** An HS256 session token as an identity provider would issue it: `sub`, a verified `email`. */
export function sessionToken(user: { id: string; email: string }, secret = JWT_SECRET): string {
  const b64 = (value: string) => Buffer.from(value).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(
    JSON.stringify({ sub: user.id, email: user.email, email_verified: true, iat: now, exp: now + 3600 }),
  )}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

// A logger that drops everything (pino's shape, as far as the server uses it).
const silent: any = new Proxy({}, { get: (_t, name) => (name === 'child' ? () => silent : () => {}) });

/**
 * Starts the server; `clockOffsetMs` shifts its clock (to see invitations expire); `env` adds or overrides
 * environment variables (e.g. DATABASE_URL, to share one PostgreSQL database between processes).
 */
export async function startStandalone(
  options: { clockOffsetMs?: () => number; env?: Record<string, string> } = {},
) {
  const config = configFromEnv({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    INVITEKIT_SECRET_KEY: SECRET_KEY,
    INVITEKIT_JWT_SECRET: JWT_SECRET,
    INVITEKIT_ACCEPT_URL: ACCEPT_URL,
    INVITEKIT_DATA_DIR: 'memory://',
    ...options.env,
  });
  if (options.clockOffsetMs) {
    const offset = options.clockOffsetMs;
    config.invitekit.now = () => Date.now() + offset();
  }
  const running = await startServer(config, silent);
  return { ...standaloneHelpers(running.url), stop: running.stop };
}

/** Seeding helpers for a running standalone server (e.g. one a vitest globalSetup started). */
export function standaloneHelpers(url: string) {
  const backend = createBackendClient({ baseUrl: url, secretKey: SECRET_KEY });

  let n = 0;
  /** A user in the directory, with a session token for the Frontend API. */
  async function user(label: string) {
    n += 1;
    const email = `${label}-${n}@example.test`;
    const created = await backend.users.create({ email_address: [email], first_name: label });
    return { id: created.id, email, token: sessionToken({ id: created.id, email }) };
  }

  /** An organization administered by a fresh user. */
  async function organization(label = 'acme') {
    const admin = await user(`${label}-admin`);
    const org = await backend.organizations.create({ name: `${label} Inc`, created_by: admin.id });
    return { admin, org };
  }

  /** The token of an accept link (`url` is on the Backend API's create response only). */
  const tokenOf = (invitation: { url?: string | null }) =>
    new URL(invitation.url ?? 'http://x/').searchParams.get('invitation_token') ?? '';

  return { url, backend, user, organization, tokenOf };
}

export type Standalone = Awaited<ReturnType<typeof startStandalone>>;
