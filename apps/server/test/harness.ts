import type { DatabaseConfig, InvitekitConfig } from '@invitekit/core';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { assertClerkErrors, assertContract } from '../../../test/support/contract.js';
import { jwtAuthenticate } from '../src/jwt-auth.js';
import { type RunningServer, startServer } from '../src/server.js';

export const SECRET_KEY = 'sk_test_invitekit';
export const ACCEPT_URL = 'https://app.example.com/accept-invitation';
/** The HS256 secret test servers verify session tokens with. */
export const JWT_SECRET = 'test-jwt-secret-0123456789abcdef';

/** A session token for `sub`, as an identity provider would sign it (HS256 with JWT_SECRET). */
export async function sessionToken(sub: string, claims: Record<string, unknown> = {}, secret = JWT_SECRET) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
}

/** Headers for a Frontend API call as the person `sub` with a verified `email` (unless told otherwise). */
export async function asUser(sub: string, email: string | null, verified = true) {
  const claims = email ? { email, email_verified: verified } : {};
  return { authorization: `Bearer ${await sessionToken(sub, claims)}` };
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
}

/** The standalone server on a real port, and a client that checks every response against the contract. */
export async function startTestServer(database: DatabaseConfig, extra: Partial<InvitekitConfig> = {}) {
  const running: RunningServer = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      invitekit: {
        database,
        secretKeys: [SECRET_KEY, 'sk_test_rotated'],
        acceptUrl: ACCEPT_URL,
        authenticate: jwtAuthenticate({ secret: JWT_SECRET }),
        ...extra,
      },
    },
    pino({ level: 'silent' }),
  );

  /** Sends a request; 2xx bodies must match `operationId`'s contract response, errors must be ClerkErrors. */
  async function call<T = any>(
    operationId: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<T>> {
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${SECRET_KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const parsed = (await res.json()) as T;
    if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(parsed)}`);
    if (res.status >= 400) assertClerkErrors(parsed);
    else if (operationId) assertContract(operationId, res.status, parsed);
    return { status: res.status, body: parsed };
  }

  return { ...running, call };
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** A user with one email address, an organization they administer, and a plain member. */
export async function seedOrganization(api: TestServer, label = 'acme') {
  const admin = await api.call('CreateUser', 'POST', '/v1/users', {
    email_address: [`${label}-admin@example.com`],
    first_name: 'Ada',
    last_name: 'Admin',
  });
  const member = await api.call('CreateUser', 'POST', '/v1/users', {
    email_address: [`${label}-member@example.com`],
    first_name: 'Max',
  });
  const org = await api.call('CreateOrganization', 'POST', '/v1/organizations', {
    name: `${label} Inc`,
    created_by: admin.body.id,
  });
  await api.call('CreateOrganizationMembership', 'POST', `/v1/organizations/${org.body.id}/memberships`, {
    user_id: member.body.id,
    role: 'org:member',
  });
  return {
    adminId: admin.body.id as string,
    memberId: member.body.id as string,
    orgId: org.body.id as string,
  };
}
