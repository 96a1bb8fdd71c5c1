import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitekit, type Invitekit } from '../src/index.js';

// Core is literal in, literal out: plain request objects, plain responses, no HTTP server.
describe('handle()', () => {
  let ik: Invitekit;
  const headers = { authorization: 'Bearer sk_core' };

  beforeAll(async () => {
    ik = await createInvitekit({ database: { dataDir: 'memory://' }, secretKeys: ['sk_core'] });
  });
  afterAll(() => ik.close());

  it('routes literal segments before parameters', async () => {
    const org = await ik.services.organizations.create({ name: 'Routing' });
    const res = await ik.handle({
      method: 'POST',
      path: `/v1/organizations/${org.id}/invitations/bulk`,
      query: {},
      headers,
      body: [{ email_address: 'r@example.com', role: 'org:member' }],
    });
    expect(res.status).toBe(200);
    expect((res.body as { total_count: number }).total_count).toBe(1);
    const pending = await ik.handle({
      method: 'GET',
      path: `/v1/organizations/${org.id}/invitations/pending`,
      query: {},
      headers,
    });
    expect((pending.body as { data: unknown[] }).data).toHaveLength(1);
  });

  it('answers an unknown route 404 and a known path with another method 405 with Allow', async () => {
    expect((await ik.handle({ method: 'GET', path: '/v2/x', query: {}, headers })).status).toBe(404);
    const res = await ik.handle({ method: 'PUT', path: '/v1/invitations', query: {}, headers });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST, GET');
  });

  it('turns unexpected errors into a 500 without internals, and reports them', async () => {
    const reported: unknown[] = [];
    const broken = await createInvitekit({
      database: { dataDir: 'memory://' },
      secretKeys: ['k'],
      onUnexpectedError: (e) => reported.push(e),
    });
    await broken.close();
    const res = await broken.handle({
      method: 'GET',
      path: '/v1/organizations',
      query: {},
      headers: { authorization: 'Bearer k' },
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      errors: [
        {
          code: 'internal_error',
          message: 'internal error',
          long_message: 'Something went wrong on our side',
        },
      ],
      meta: {},
      clerk_trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(reported).toHaveLength(1);
  });

  it('serves the services directly, with the same rules as over HTTP', async () => {
    const org = await ik.services.organizations.create({ name: 'Direct' });
    await ik.services.organizationInvitations.create(org.id, {
      emailAddress: 'D@Example.com',
      role: 'org:member',
    });
    await expect(
      ik.services.organizationInvitations.create(org.id, {
        emailAddress: 'd@example.com',
        role: 'org:member',
      }),
    ).rejects.toMatchObject({ status: 400, errors: [{ code: 'duplicate_record' }] });
    const page = await ik.services.organizationInvitations.list(org.id, { statuses: ['pending'] });
    expect(page.data.map((i) => i.emailAddress)).toEqual(['d@example.com']);
  });
});
