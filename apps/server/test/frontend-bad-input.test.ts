import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { type BadInputCase, badInputMismatch } from './bad-input-case.js';
import { asUser, seedOrganization, startTestServer, type TestServer } from './harness.js';

interface Case extends BadInputCase {
  /** `admin` (default), `member`, or `anonymous` (no session token). */
  as?: 'admin' | 'member' | 'anonymous';
}

const F = '/frontend/v1';

/** Malformed Frontend API requests, each with the 4xx status and stable code it must get. */
const cases = (ids: { orgId: string; invId: string }): Case[] => {
  const orgInv = `${F}/organizations/${ids.orgId}/invitations`;
  const ok = { email_address: 'ok@example.com', role: 'org:member' };
  return [
    // admin create
    { name: 'create: no body', method: 'POST', path: orgInv, status: 400, code: 'malformed_request_body' },
    {
      name: 'create: missing email',
      method: 'POST',
      path: orgInv,
      body: { role: 'org:member' },
      status: 422,
      code: 'form_param_missing',
      param: 'email_address',
    },
    {
      name: 'create: missing role',
      method: 'POST',
      path: orgInv,
      body: { email_address: 'a@example.com' },
      status: 422,
      code: 'form_param_missing',
      param: 'role',
    },
    {
      name: 'create: invalid email',
      method: 'POST',
      path: orgInv,
      body: { ...ok, email_address: 'nope' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'email_address',
    },
    {
      name: 'create: unknown role',
      method: 'POST',
      path: orgInv,
      body: { ...ok, role: 'org:owner' },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'role',
    },
    {
      name: 'create: private_metadata is not a browser field',
      method: 'POST',
      path: orgInv,
      body: { ...ok, private_metadata: { a: 1 } },
      status: 422,
      code: 'form_param_unknown',
    },
    {
      name: 'create: inviter_user_id is the signed-in user, not a field',
      method: 'POST',
      path: orgInv,
      body: { ...ok, inviter_user_id: 'user_x' },
      status: 422,
      code: 'form_param_unknown',
    },
    {
      name: 'create: notify not boolean',
      method: 'POST',
      path: orgInv,
      body: { ...ok, notify: 'yes' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'notify',
    },
    {
      name: 'create: duplicate pending',
      method: 'POST',
      path: orgInv,
      body: { ...ok, email_address: 'pending@example.com' },
      status: 400,
      code: 'duplicate_record',
    },
    {
      name: 'create: unknown organization',
      method: 'POST',
      path: `${F}/organizations/org_missing/invitations`,
      body: ok,
      status: 404,
      code: 'resource_not_found',
    },
    // bulk
    {
      name: 'bulk: email not an array',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: ok,
      status: 422,
      code: 'form_param_format_invalid',
      param: 'email_address',
    },
    {
      name: 'bulk: empty',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: { ...ok, email_address: [] },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'email_address',
    },
    {
      name: 'bulk: 11 addresses',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: { ...ok, email_address: Array.from({ length: 11 }, (_, i) => `b${i}@example.com`) },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'email_address',
    },
    {
      name: 'bulk: repeated address',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: { ...ok, email_address: ['same@example.com', 'SAME@example.com'] },
      status: 400,
      code: 'duplicate_record',
    },
    // lists
    {
      name: 'list: limit 0',
      method: 'GET',
      path: `${orgInv}?limit=0`,
      status: 422,
      code: 'form_param_value_invalid',
      param: 'limit',
    },
    {
      name: 'list: unknown status',
      method: 'GET',
      path: `${orgInv}?status=bogus`,
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'me: limit 501',
      method: 'GET',
      path: `${F}/me/organization_invitations?limit=501`,
      status: 422,
      code: 'form_param_value_invalid',
      param: 'limit',
    },
    {
      name: 'me: offset negative',
      method: 'GET',
      path: `${F}/me/organization_invitations?offset=-1`,
      status: 422,
      code: 'form_param_value_invalid',
      param: 'offset',
    },
    // revoke / accept / decline
    {
      name: 'revoke: unknown invitation',
      method: 'POST',
      path: `${orgInv}/orginv_missing/revoke`,
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'accept by id: unknown invitation',
      method: 'POST',
      path: `${F}/me/organization_invitations/orginv_missing/accept`,
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'decline by id: not mine',
      method: 'POST',
      path: `${F}/me/organization_invitations/${ids.invId}/decline`,
      status: 404,
      code: 'resource_not_found',
    },
    // tickets
    {
      name: 'preview: no body',
      method: 'POST',
      path: `${F}/tickets/preview`,
      as: 'anonymous',
      status: 400,
      code: 'malformed_request_body',
    },
    {
      name: 'preview: token missing',
      method: 'POST',
      path: `${F}/tickets/preview`,
      as: 'anonymous',
      body: {},
      status: 422,
      code: 'form_param_missing',
      param: 'token',
    },
    {
      name: 'preview: token not a string',
      method: 'POST',
      path: `${F}/tickets/preview`,
      as: 'anonymous',
      body: { token: 42 },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'token',
    },
    {
      name: 'preview: token too long',
      method: 'POST',
      path: `${F}/tickets/preview`,
      as: 'anonymous',
      body: { token: 'x'.repeat(600) },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'token',
    },
    {
      name: 'preview: unknown field',
      method: 'POST',
      path: `${F}/tickets/preview`,
      as: 'anonymous',
      body: { token: 'a.b', extra: 1 },
      status: 422,
      code: 'form_param_unknown',
    },
    {
      name: 'preview: malformed token',
      method: 'POST',
      path: `${F}/tickets/preview`,
      as: 'anonymous',
      body: { token: 'no-dot-here' },
      status: 404,
      code: 'invitation_token_invalid',
    },
    {
      name: 'accept: token missing',
      method: 'POST',
      path: `${F}/tickets/accept`,
      body: {},
      status: 422,
      code: 'form_param_missing',
      param: 'token',
    },
    {
      name: 'accept: not signed in',
      method: 'POST',
      path: `${F}/tickets/accept`,
      as: 'anonymous',
      body: { token: 'a.b' },
      status: 401,
      code: 'authentication_invalid',
    },
    {
      name: 'list: not signed in',
      method: 'GET',
      path: orgInv,
      as: 'anonymous',
      status: 401,
      code: 'authentication_invalid',
    },
    {
      name: 'list: member, not admin',
      method: 'GET',
      path: orgInv,
      as: 'member',
      status: 403,
      code: 'not_an_admin_in_organization',
    },
    // routing
    {
      name: 'unknown Frontend API route',
      method: 'GET',
      path: `${F}/nothing-here`,
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'preview by GET (tokens stay out of URLs)',
      method: 'GET',
      path: `${F}/tickets/preview`,
      status: 405,
      code: 'method_not_allowed',
    },
  ];
};

describe.each(testDatabases())('Frontend API bad input on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;
  let ids: { orgId: string; adminId: string; memberId: string; invId: string };
  let headers: Record<'admin' | 'member' | 'anonymous', Record<string, string>>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config);
    const seeded = await seedOrganization(api, 'fbad');
    const inv = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${seeded.orgId}/invitations`,
      { email_address: 'pending@example.com', role: 'org:member' },
    );
    ids = { ...seeded, invId: inv.body.id };
    headers = {
      admin: await asUser(seeded.adminId, 'fbad-admin@example.com'),
      member: await asUser(seeded.memberId, 'fbad-member@example.com'),
      anonymous: { authorization: '' },
    };
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  it('answers each malformed request with its 4xx and code, and writes nothing', async () => {
    const list = () =>
      api.call('ListInstanceOrganizationInvitations', 'GET', '/v1/organization_invitations?limit=500');
    const before = await list();
    const failures: string[] = [];
    for (const c of cases(ids)) {
      const mismatch = badInputMismatch(
        c,
        await api.call(null, c.method, c.path, c.body, headers[c.as ?? 'admin']),
      );
      if (mismatch) failures.push(mismatch);
    }
    expect(failures).toEqual([]);
    expect((await list()).body).toEqual(before.body);
  });
});
