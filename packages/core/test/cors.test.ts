import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitekit, type Invitekit } from '../src/index.js';

// CORS for the Frontend API, literal in, literal out: the `cors` package's decisions on core's request.
describe('cors option', () => {
  const APP = 'https://app.example.com';
  let ik: Invitekit;
  let plain: Invitekit;

  beforeAll(async () => {
    ik = await createInvitekit({
      database: { dataDir: 'memory://' },
      secretKeys: ['sk_core'],
      cors: { origins: [APP, 'http://localhost:5173'], credentials: true, maxAgeSeconds: 120 },
    });
    plain = await createInvitekit({ database: { dataDir: 'memory://' }, secretKeys: ['sk_core'] });
  });
  afterAll(async () => {
    await ik.close();
    await plain.close();
  });

  const preflight = (path: string, origin: string) => ({
    method: 'OPTIONS',
    path,
    query: {},
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });

  it('answers a preflight from an allowed origin under the Frontend API', async () => {
    const res = await ik.handle(preflight('/frontend/v1/tickets/accept', APP));
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,POST,PATCH,DELETE',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-max-age': '120',
      vary: 'Origin, Access-Control-Request-Headers',
    });
  });

  it('allows Idempotency-Key on a Frontend API POST', async () => {
    const request = preflight('/frontend/v1/organizations/org_1/invitations', APP);
    request.headers['access-control-request-headers'] = 'authorization,content-type,idempotency-key';
    const res = await ik.handle(request);
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-headers']).toBe('authorization,content-type,idempotency-key');
  });

  it('gives another origin no allow-origin header, so the browser blocks it', async () => {
    const res = await ik.handle(preflight('/frontend/v1/tickets/accept', 'https://evil.example'));
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const get = await ik.handle({
      method: 'GET',
      path: '/frontend/v1/me/organization_invitations',
      query: {},
      headers: { origin: 'https://evil.example' },
    });
    expect(get.status).toBe(401);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds the headers to actual responses, errors included', async () => {
    const res = await ik.handle({
      method: 'GET',
      path: '/frontend/v1/me/organization_invitations',
      query: {},
      headers: { origin: APP },
    });
    expect(res.status).toBe(401);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'Retry-After,Idempotent-Replayed',
      vary: 'Origin',
      'content-type': 'application/json',
    });
  });

  it('never serves CORS on the Backend API, and without the option nothing changes', async () => {
    const backend = await ik.handle(preflight('/v1/invitations', APP));
    expect(backend.status).toBe(405);
    expect(backend.headers['access-control-allow-origin']).toBeUndefined();
    const off = await plain.handle(preflight('/frontend/v1/tickets/accept', APP));
    expect(off.status).toBe(405);
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses settings that cannot work', async () => {
    await expect(createInvitekit({ cors: { origins: [] } })).rejects.toThrow(/non-empty list/);
    await expect(createInvitekit({ cors: { origins: ['https://a.example/path'] } })).rejects.toThrow(
      /not an origin/,
    );
    await expect(createInvitekit({ cors: { origins: '*', credentials: true } })).rejects.toThrow(
      /credentials needs a list/,
    );
  });
});
