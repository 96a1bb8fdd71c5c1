import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { defaultClaims, jwtAuthenticate, jwtOptionsFromEnv, userFromClaims } from '../src/jwt-auth.js';
import { JWT_SECRET, sessionToken, startTestServer, type TestServer } from './harness.js';

const request = (authorization?: string) => ({
  method: 'GET',
  path: '/',
  query: {},
  headers: authorization ? { authorization } : {},
});

describe('HS256 session tokens', () => {
  const authenticate = jwtAuthenticate({ secret: JWT_SECRET });

  it('reads sub, names and email; the email counts as verified only with email_verified: true', async () => {
    const token = await sessionToken('user_1', {
      email: 'A@Example.com',
      email_verified: true,
      given_name: 'Ann',
      family_name: 'Lee',
    });
    expect(await authenticate(request(`Bearer ${token}`))).toEqual({
      id: 'user_1',
      emailAddresses: [{ emailAddress: 'A@Example.com', verified: true }],
      firstName: 'Ann',
      lastName: 'Lee',
    });
    for (const flag of [undefined, false, 'true']) {
      const t = await sessionToken('user_1', { email: 'a@example.com', email_verified: flag });
      expect((await authenticate(request(`Bearer ${t}`)))?.emailAddresses).toEqual([
        { emailAddress: 'a@example.com', verified: false },
      ]);
    }
  });

  it('takes an array of addresses in the email claim (verified one by one: jwt-hardening.test.ts)', async () => {
    const token = await sessionToken('user_2', {
      email: ['b@example.com', 7, 'c@example.com'],
      email_verified: [true, true, false],
    });
    expect((await authenticate(request(`Bearer ${token}`)))?.emailAddresses).toEqual([
      { emailAddress: 'b@example.com', verified: true },
      { emailAddress: 'c@example.com', verified: false },
    ]);
  });

  it('is not signed in without a token, with a bad signature, expired, or without sub', async () => {
    expect(await authenticate(request())).toBeNull();
    expect(await authenticate(request('Bearer nonsense'))).toBeNull();
    expect(await authenticate(request(`Bearer ${await sessionToken('u', {}, 'another-secret')}`))).toBeNull();
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(JWT_SECRET));
    expect(await authenticate(request(`Bearer ${expired}`))).toBeNull();
    const noSub = await new SignJWT({ email: 'x@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(JWT_SECRET));
    expect(await authenticate(request(`Bearer ${noSub}`))).toBeNull();
  });

  it('takes claim names, issuer and audience from the environment', async () => {
    const options = jwtOptionsFromEnv({
      INVITEKIT_JWT_SECRET: JWT_SECRET,
      INVITEKIT_JWT_ISSUER: 'https://id.example.com',
      INVITEKIT_JWT_AUDIENCE: 'app-a, app-b',
      INVITEKIT_JWT_EMAIL_CLAIM: 'mail',
      INVITEKIT_JWT_EMAIL_VERIFIED_CLAIM: 'mail_ok',
      INVITEKIT_JWT_USER_ID_CLAIM: 'uid',
    })!;
    expect(options).toMatchObject({ issuer: 'https://id.example.com', audience: ['app-a', 'app-b'] });
    const auth = jwtAuthenticate(options);
    const sign = (iss: string, aud: string) =>
      new SignJWT({ uid: 'user_9', mail: 'nine@example.com', mail_ok: true })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(iss)
        .setAudience(aud)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JWT_SECRET));
    expect(await auth(request(`Bearer ${await sign('https://id.example.com', 'app-b')}`))).toMatchObject({
      id: 'user_9',
      emailAddresses: [{ emailAddress: 'nine@example.com', verified: true }],
    });
    expect(await auth(request(`Bearer ${await sign('https://evil.example.com', 'app-b')}`))).toBeNull();
    expect(await auth(request(`Bearer ${await sign('https://id.example.com', 'app-c')}`))).toBeNull();
    expect(userFromClaims({ sub: '' }, defaultClaims)).toBeNull();
  });

  it('configures the server: no JWT settings means no authenticate hook; both at once is an error', () => {
    expect(configFromEnv({ INVITEKIT_SECRET_KEY: 'k' }).invitekit.authenticate).toBeUndefined();
    expect(
      configFromEnv({ INVITEKIT_SECRET_KEY: 'k', INVITEKIT_JWT_SECRET: 's' }).invitekit.authenticate,
    ).toBeTypeOf('function');
    expect(() =>
      configFromEnv({
        INVITEKIT_SECRET_KEY: 'k',
        INVITEKIT_JWT_SECRET: 's',
        INVITEKIT_JWKS_URL: 'https://x/jwks',
      }),
    ).toThrow(/not both/);
  });
});

describe('JWKS session tokens through the server', () => {
  let jwks: Server;
  let api: TestServer;
  let sign: (claims: Record<string, unknown>, iss?: string) => Promise<string>;
  let signWithStrangerKey: () => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const stranger = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address() as { port: number };
    const jwksUrl = `http://127.0.0.1:${address.port}/.well-known/jwks.json`;
    sign = (claims, iss = 'https://id.example.com') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setSubject('user_jwks')
        .setIssuer(iss)
        .setExpirationTime('5m')
        .sign(privateKey);
    signWithStrangerKey = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setSubject('user_jwks')
        .setIssuer('https://id.example.com')
        .setExpirationTime('5m')
        .sign(stranger.privateKey);
    api = await startTestServer(
      { dataDir: 'memory://' },
      { authenticate: jwtAuthenticate({ jwksUrl, issuer: 'https://id.example.com' }) },
    );
  });
  afterAll(async () => {
    await api?.stop();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('accepts a token signed by a key from the JWKS, and refuses another key or issuer', async () => {
    const me = (token: string) =>
      api.call(null, 'GET', '/frontend/v1/me/organization_invitations', undefined, {
        authorization: `Bearer ${token}`,
      });
    const ok = await me(await sign({ email: 'jwks@example.com', email_verified: true }));
    expect(ok.status).toBe(200);
    expect((await me(await signWithStrangerKey())).status).toBe(401);
    expect((await me(await sign({}, 'https://other.example.com'))).status).toBe(401);
    const user = await api.call('GetUser', 'GET', '/v1/users/user_jwks');
    expect(user.body.email_addresses[0].email_address).toBe('jwks@example.com');
  });
});
