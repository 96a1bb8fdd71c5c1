import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { type BadInputCase, badInputMismatch } from './bad-input-case.js';
import {
  asUser,
  SECRET_KEY,
  seedOrganization,
  sessionToken,
  startTestServer,
  type TestServer,
} from './harness.js';

// Inputs that were 500s (issue 11, items 6, 9, 10, 11), several first found by the OpenAPI fuzz test:
// integers past PostgreSQL's int4, U+0000 and lone surrogates (which PostgreSQL refuses in text and jsonb)
// in path, query, body, metadata keys and session claims, deep nesting, and errors Node's HTTP parser
// raises before Express runs.

const F = '/frontend/v1';
const ADMIN_EMAIL = 'hard-admin@example.com';

/** `[[[…]]]`, `depth` arrays deep (2 bytes a level), built as text: JSON.stringify itself would overflow. */
const deepArrayText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nested = (depth: number): Record<string, unknown> => {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
};

const cases = (ids: { orgId: string; adminId: string; invId: string }): BadInputCase[] => {
  const orgInv = `/v1/organizations/${ids.orgId}/invitations`;
  const ok = { email_address: 'nul@example.com', role: 'org:member' };
  return [
    // item 6: integers bounded to PostgreSQL's int4
    ...[
      '/v1/invitations',
      '/v1/users',
      '/v1/organizations',
      '/v1/organization_invitations',
      orgInv,
      `${orgInv}/pending`,
      `/v1/organizations/${ids.orgId}/memberships`,
      `/v1/users/${ids.adminId}/organization_invitations`,
    ].map(
      (path): BadInputCase => ({
        name: `offset 2^31 on ${path}`,
        method: 'GET',
        path: `${path}?offset=2147483648`,
        status: 422,
        code: 'form_param_value_invalid',
        param: 'offset',
      }),
    ),
    {
      name: 'offset 2^53',
      method: 'GET',
      path: '/v1/organizations?offset=9007199254740993',
      status: 422,
      code: 'form_param_value_invalid',
      param: 'offset',
    },
    {
      name: 'max_allowed_memberships 2^31 (create)',
      method: 'POST',
      path: '/v1/organizations',
      body: { name: 'Big', max_allowed_memberships: 2 ** 31 },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'max_allowed_memberships',
    },
    {
      name: 'max_allowed_memberships 2^31 (update)',
      method: 'PATCH',
      path: `/v1/organizations/${ids.orgId}`,
      body: { max_allowed_memberships: 2 ** 31 },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'max_allowed_memberships',
    },
    {
      name: 'expires_in_days 1e400 (Infinity)',
      method: 'POST',
      path: orgInv,
      body: '{"email_address":"inf@example.com","role":"org:member","expires_in_days":1e400}',
      status: 422,
      code: 'form_param_format_invalid',
      param: 'expires_in_days',
    },
    // item 9: U+0000 anywhere
    {
      name: 'NUL in an organization id (path)',
      method: 'GET',
      path: '/v1/organizations/org_%00',
      status: 422,
      code: 'form_param_format_invalid',
      param: 'organization_id',
    },
    {
      name: 'NUL in an invitation id (path, fuzz #66)',
      method: 'GET',
      path: `${orgInv}/org_%00`,
      status: 422,
      code: 'form_param_format_invalid',
      param: 'invitation_id',
    },
    {
      name: 'NUL in an application invitation id (path, fuzz #95)',
      method: 'GET',
      path: '/v1/invitations/org_%00/events',
      status: 422,
      code: 'form_param_format_invalid',
      param: 'invitation_id',
    },
    {
      name: 'NUL in a membership path (fuzz #292)',
      method: 'POST',
      path: '/v1/organizations/%00/memberships',
      body: { user_id: ids.adminId, role: 'org:member' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'organization_id',
    },
    {
      name: 'NUL in a query value',
      method: 'GET',
      path: '/v1/organizations?query=acme%00',
      status: 422,
      code: 'form_param_format_invalid',
      param: 'query',
    },
    {
      name: 'NUL in a list query value',
      method: 'GET',
      path: '/v1/users?email_address=a%00@b.co',
      status: 422,
      code: 'form_param_format_invalid',
      param: 'email_address',
    },
    {
      name: 'NUL in a query key',
      method: 'GET',
      path: '/v1/users?a%00b=1',
      status: 422,
      code: 'form_param_format_invalid',
    },
    {
      name: 'NUL in a body string',
      method: 'POST',
      path: orgInv,
      body: { ...ok, email_address: 'a\u0000@example.com' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'email_address',
    },
    {
      name: 'NUL in requesting_user_id (fuzz #160)',
      method: 'POST',
      path: `${orgInv}/${ids.invId}/resend`,
      body: { requesting_user_id: 'user_\u0000' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'requesting_user_id',
    },
    {
      name: 'NUL in a metadata value',
      method: 'POST',
      path: orgInv,
      body: { ...ok, public_metadata: { note: 'a\u0000b' } },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'public_metadata.note',
    },
    {
      name: 'NUL in a metadata key',
      method: 'POST',
      path: '/v1/users',
      body: { private_metadata: { 'k\u0000': 1 } },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'private_metadata.k\u0000',
    },
    {
      name: 'NUL in a bulk item',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: [ok, { ...ok, email_address: 'b@example.com', private_metadata: { x: ['\u0000'] } }],
      status: 422,
      code: 'form_param_format_invalid',
      param: '[1].private_metadata.x[0]',
    },
    {
      name: 'NUL in the token preview (no auth)',
      method: 'POST',
      path: `${F}/tickets/preview`,
      body: { token: 'abc\u0000' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'token',
    },
    // lone surrogates: PostgreSQL refuses "\ud800" in jsonb
    {
      name: 'lone surrogate in a metadata key (fuzz #45)',
      method: 'POST',
      path: '/v1/users',
      body: '{"unsafe_metadata":{"k\\ud800":"v"}}',
      status: 422,
      code: 'form_param_format_invalid',
      param: 'unsafe_metadata.k\ud800',
    },
    {
      name: 'lone surrogate in a metadata value',
      method: 'POST',
      path: '/v1/invitations',
      body: '{"email_address":"s@example.com","public_metadata":{"k":"\\udfff"}}',
      status: 422,
      code: 'form_param_format_invalid',
      param: 'public_metadata.k',
    },
    // item 10: nesting
    {
      name: 'metadata 20,000 levels deep (40 KB)',
      method: 'POST',
      path: orgInv,
      body: `{"email_address":"deep@example.com","role":"org:member","public_metadata":{"a":${deepArrayText(20_000)}}}`,
      status: 422,
      code: 'form_param_exceeds_allowed_size',
      param: 'public_metadata',
    },
    {
      name: 'metadata 33 levels deep (past METADATA_MAX_DEPTH, within the request limit)',
      method: 'POST',
      path: `/v1/organizations/${ids.orgId}/memberships`,
      body: { user_id: ids.adminId, role: 'org:member', public_metadata: nested(33) },
      status: 422,
      code: 'form_param_exceeds_allowed_size',
      param: 'public_metadata',
    },
    {
      name: 'a body 20,000 arrays deep where no nesting belongs',
      method: 'POST',
      path: '/v1/organizations',
      body: `{"name":${deepArrayText(20_000)}}`,
      status: 422,
      code: 'form_param_exceeds_allowed_size',
      param: 'name',
    },
  ];
};

describe.each(testDatabases())('input hardening on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;
  let ids: { orgId: string; adminId: string; invId: string };

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config);
    const seeded = await seedOrganization(api, 'hard');
    const inv = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${seeded.orgId}/invitations`,
      { email_address: 'pending@example.com', role: 'org:member' },
    );
    ids = { ...seeded, invId: inv.body.id };
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  it('answers each with its 4xx, code and parameter, and writes nothing', async () => {
    const before = await api.call(null, 'GET', '/v1/organization_invitations?limit=500');
    const users = await api.call(null, 'GET', '/v1/users?limit=500');
    const failures: string[] = [];
    for (const c of cases(ids)) {
      const mismatch = badInputMismatch(c, await api.call(null, c.method, c.path, c.body));
      if (mismatch) failures.push(mismatch);
    }
    expect(failures).toEqual([]);
    expect((await api.call(null, 'GET', '/v1/organization_invitations?limit=500')).body).toEqual(before.body);
    expect((await api.call(null, 'GET', '/v1/users?limit=500')).body).toEqual(users.body);
  });

  it('takes the largest values that fit: offset 2^31-1, max_allowed_memberships 2^31-1, metadata 32 deep', async () => {
    const page = await api.call('ListOrganizations', 'GET', '/v1/organizations?offset=2147483647');
    expect(page.status).toBe(200);
    expect(page.body.data).toEqual([]);
    const org = await api.call('CreateOrganization', 'POST', '/v1/organizations', {
      name: 'Roomy',
      max_allowed_memberships: 2 ** 31 - 1,
    });
    expect(org.body.max_allowed_memberships).toBe(2 ** 31 - 1);
    const inv = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${ids.orgId}/invitations`,
      {
        email_address: 'deep32@example.com',
        role: 'org:member',
        public_metadata: nested(32),
      },
    );
    expect(inv.status).toBe(200);
    expect(inv.body.public_metadata).toEqual(nested(32));
  });

  it('refuses session claims holding NUL or a lone surrogate with 401, and stores no one', async () => {
    const before = await api.call(null, 'GET', '/v1/users?limit=500');
    for (const claims of [
      { email: 'claims\u0000@example.com', email_verified: true },
      { email: 'claims@example.com', email_verified: true, given_name: 'Ada\u0000' },
      { email: 'claims@example.com', email_verified: true, family_name: '\ud800' },
    ]) {
      const token = await sessionToken('user_claims', claims);
      const res = await api.call(null, 'GET', `${F}/me/organization_invitations`, undefined, {
        authorization: `Bearer ${token}`,
      });
      expect(res.status).toBe(401);
      expect(res.body.errors[0].code).toBe('authentication_invalid');
    }
    // fuzz #13: a NUL in the user id itself
    const res = await api.call(
      null,
      'POST',
      `${F}/organizations/${ids.orgId}/invitations`,
      { email_address: 'x@example.com', role: 'org:member' },
      {
        authorization: `Bearer ${await sessionToken('user_\u0000', { email: ADMIN_EMAIL, email_verified: true })}`,
      },
    );
    expect(res.status).toBe(401);
    expect((await api.call(null, 'GET', '/v1/users?limit=500')).body).toEqual(before.body);
    // A clean token still works.
    const me = await api.call(
      null,
      'GET',
      `${F}/me/organization_invitations`,
      undefined,
      await asUser('user_clean', 'clean@example.com'),
    );
    expect(me.status).toBe(200);
  });
});

/** Sends raw bytes on a fresh connection; resolves to the status and the body (as JSON) of the answer. */
function rawRequest(url: string, bytes: string): Promise<{ status: number; contentType: string; body: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString();
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /^content-type: (.*)$/im.exec(head)?.[1] ?? '';
      try {
        resolve({ status, contentType, body: JSON.parse(body) });
      } catch {
        reject(new Error(`not JSON: ${JSON.stringify(text.slice(0, 300))}`));
      }
    });
  });
}

describe('errors from Node’s HTTP parser (item 11)', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('answers an oversized URL with 431 and a ClerkErrors body', async () => {
    const res = await fetch(`${api.url}/v1/organizations/${'a'.repeat(20_000)}`, {
      headers: { authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await res.json()) as any).errors[0]).toMatchObject({ code: 'request_header_fields_too_large' });
  });

  it('answers oversized headers with 431 and a ClerkErrors body', async () => {
    const res = await fetch(`${api.url}/healthz`, { headers: { 'x-big': 'h'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(((await res.json()) as any).errors[0].code).toBe('request_header_fields_too_large');
  });

  it('answers a malformed request with 400 and a ClerkErrors body', async () => {
    const bad = await rawRequest(api.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(bad.status).toBe(400);
    expect(bad.contentType).toMatch(/^application\/json/);
    expect(bad.body.errors[0]).toMatchObject({
      code: 'malformed_request',
      meta: { parser_code: 'HPE_INVALID_HEADER_TOKEN' },
    });
    const method = await rawRequest(api.url, 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(method.status).toBe(400);
    expect(method.body.errors[0].code).toBe('malformed_request');
  });

  it('stays healthy after them', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});
