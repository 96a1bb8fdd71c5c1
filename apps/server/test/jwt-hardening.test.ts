import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { jwtAuthenticate, jwtOptionsFromEnv } from '../src/jwt-auth.js';
import { JWT_SECRET, seedOrganization, startTestServer, type TestServer } from './harness.js';

const key = new TextEncoder().encode(JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A session token with exactly the given claims (nothing added: no exp unless given). */
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);

const request = (token: string) => ({
  method: 'GET',
  path: '/',
  query: {},
  headers: { authorization: `Bearer ${token}` },
});

describe('session token checks', () => {
  it('refuses a token without exp (it would be good forever)', async () => {
    const auth = jwtAuthenticate({ secret: JWT_SECRET });
    expect(await auth(request(await sign({ sub: 'u1' })))).toBeNull();
    expect(await auth(request(await sign({ sub: 'u1', exp: now() + 60 })))).toMatchObject({ id: 'u1' });
  });

  it('refuses a token older than the maximum age, and one without iat when a maximum is set', async () => {
    const auth = jwtAuthenticate(
      jwtOptionsFromEnv({ INVITEKIT_JWT_SECRET: JWT_SECRET, INVITEKIT_JWT_MAX_AGE: '15m' })!,
    );
    const exp = now() + 3600;
    expect(await auth(request(await sign({ sub: 'u2', exp, iat: now() - 60 })))).toMatchObject({ id: 'u2' });
    expect(await auth(request(await sign({ sub: 'u2', exp, iat: now() - 16 * 60 })))).toBeNull();
    expect(await auth(request(await sign({ sub: 'u2', exp })))).toBeNull();
    const inSeconds = jwtAuthenticate(
      jwtOptionsFromEnv({ INVITEKIT_JWT_SECRET: JWT_SECRET, INVITEKIT_JWT_MAX_AGE: '30' })!,
    );
    expect(await inSeconds(request(await sign({ sub: 'u2', exp, iat: now() - 10 })))).toMatchObject({
      id: 'u2',
    });
    expect(await inSeconds(request(await sign({ sub: 'u2', exp, iat: now() - 60 })))).toBeNull();
  });

  it('checks issuer and audience from the environment', async () => {
    const auth = jwtAuthenticate(
      jwtOptionsFromEnv({
        INVITEKIT_JWT_SECRET: JWT_SECRET,
        INVITEKIT_JWT_ISSUER: 'https://id.example.com',
        INVITEKIT_JWT_AUDIENCE: 'app-a,app-b',
      })!,
    );
    const exp = now() + 60;
    const ok = { sub: 'u3', exp, iss: 'https://id.example.com', aud: 'app-b' };
    expect(await auth(request(await sign(ok)))).toMatchObject({ id: 'u3' });
    expect(await auth(request(await sign({ ...ok, iss: undefined })))).toBeNull();
    expect(await auth(request(await sign({ ...ok, aud: undefined })))).toBeNull();
    expect(await auth(request(await sign({ ...ok, aud: 'app-c' })))).toBeNull();
  });

  it('fails at start on a malformed maximum age or clock tolerance, naming the variable', () => {
    for (const value of ['soon', '0', '-5', '1w', '1.5h']) {
      expect(() => jwtOptionsFromEnv({ INVITEKIT_JWT_SECRET: 's', INVITEKIT_JWT_MAX_AGE: value })).toThrow(
        /INVITEKIT_JWT_MAX_AGE/,
      );
    }
    expect(() =>
      jwtOptionsFromEnv({ INVITEKIT_JWT_SECRET: 's', INVITEKIT_JWT_CLOCK_TOLERANCE: 'x' }),
    ).toThrow(/INVITEKIT_JWT_CLOCK_TOLERANCE/);
    expect(
      jwtOptionsFromEnv({
        INVITEKIT_JWT_SECRET: 's',
        INVITEKIT_JWT_MAX_AGE: '12h',
        INVITEKIT_JWT_CLOCK_TOLERANCE: '0',
      }),
    ).toMatchObject({ maxTokenAge: '12h', clockToleranceSeconds: 0 });
  });

  it('an array email claim counts only the addresses the token says are verified', async () => {
    const auth = jwtAuthenticate({ secret: JWT_SECRET });
    const emails = ['a@example.com', 'b@example.com'];
    const exp = now() + 60;
    const verified = async (flag: unknown) =>
      (
        await auth(request(await sign({ sub: 'u4', exp, email: emails, email_verified: flag })))
      )?.emailAddresses.map((e) => e.verified);
    expect(await verified(true)).toEqual([false, false]); // says nothing about which address
    expect(await verified([true, false])).toEqual([true, false]);
    expect(await verified(['b@example.com'])).toEqual([false, true]);
    expect(await verified([true])).toEqual([true, false]);
    expect(await verified(['true', 1])).toEqual([false, false]);
    expect(await verified(undefined)).toEqual([false, false]);
  });
});

describe.each(testDatabases())('session tokens through the server on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config);
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  const mine = (token: string) =>
    api.call(
      'FrontendListMyOrganizationInvitations',
      'GET',
      '/frontend/v1/me/organization_invitations',
      undefined,
      {
        authorization: `Bearer ${token}`,
      },
    );

  it('answers 401 to a token without exp', async () => {
    const res = await mine(
      await sign({ sub: 'user_noexp', email: 'noexp@example.com', email_verified: true }),
    );
    expect(res.status).toBe(401);
    expect(res.body.errors[0].code).toBe('authentication_invalid');
    expect((await api.call('GetUser', 'GET', '/v1/users/user_noexp')).status).toBe(404);
  });

  it('an array claim with a lone email_verified: true cannot see or accept an invitation', async () => {
    const { orgId, adminId } = await seedOrganization(api, 'jwtarr');
    const invited = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations`,
      {
        email_address: 'arr-victim@example.com',
        role: 'org:member',
        inviter_user_id: adminId,
      },
    );
    expect(invited.status).toBe(200);
    const claims = {
      sub: 'user_arr',
      exp: now() + 60,
      email: ['mine@example.com', 'arr-victim@example.com'],
    };
    const loose = await mine(await sign({ ...claims, email_verified: true }));
    expect(loose.status).toBe(200);
    expect(loose.body.response.total_count).toBe(0);
    const accept = await api.call(
      null,
      'POST',
      `/frontend/v1/me/organization_invitations/${invited.body.id}/accept`,
      undefined,
      { authorization: `Bearer ${await sign({ ...claims, email_verified: true })}` },
    );
    expect(accept.status).toBe(404);
    const precise = await mine(await sign({ ...claims, email_verified: [false, true] }));
    expect(precise.body.response.total_count).toBe(1);
  });
});
