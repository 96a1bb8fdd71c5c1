import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { type BadInputCase, badInputMismatch } from './bad-input-case.js';
import { seedOrganization, startTestServer, type TestServer } from './harness.js';

type Case = BadInputCase;

const big = { blob: 'x'.repeat(9000) };

/** Malformed requests per endpoint, each with the 4xx status and stable code it must get. */
const cases = (ids: { orgId: string; adminId: string; memberId: string; invId: string }): Case[] => {
  const orgInv = `/v1/organizations/${ids.orgId}/invitations`;
  const ok = { email_address: 'ok@example.com', role: 'org:member' };
  return [
    // create organization invitation
    {
      name: 'missing email',
      method: 'POST',
      path: orgInv,
      body: { role: 'org:member' },
      status: 422,
      code: 'form_param_missing',
      param: 'email_address',
    },
    {
      name: 'missing role',
      method: 'POST',
      path: orgInv,
      body: { email_address: 'a@example.com' },
      status: 422,
      code: 'form_param_missing',
      param: 'role',
    },
    {
      name: 'invalid email',
      method: 'POST',
      path: orgInv,
      body: { ...ok, email_address: 'not-an-email' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'email_address',
    },
    {
      name: 'email of wrong type',
      method: 'POST',
      path: orgInv,
      body: { ...ok, email_address: 42 },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'email_address',
    },
    {
      name: 'unknown role',
      method: 'POST',
      path: orgInv,
      body: { ...ok, role: 'org:owner' },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'role',
    },
    {
      name: 'expires_in_days 0',
      method: 'POST',
      path: orgInv,
      body: { ...ok, expires_in_days: 0 },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'expires_in_days',
    },
    {
      name: 'expires_in_days 366',
      method: 'POST',
      path: orgInv,
      body: { ...ok, expires_in_days: 366 },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'expires_in_days',
    },
    {
      name: 'expires_in_days fractional',
      method: 'POST',
      path: orgInv,
      body: { ...ok, expires_in_days: 1.5 },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'expires_in_days',
    },
    {
      name: 'metadata not an object',
      method: 'POST',
      path: orgInv,
      body: { ...ok, public_metadata: [1, 2] },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'public_metadata',
    },
    {
      name: 'metadata a string',
      method: 'POST',
      path: orgInv,
      body: { ...ok, private_metadata: 'x' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'private_metadata',
    },
    {
      name: 'metadata too large',
      method: 'POST',
      path: orgInv,
      body: { ...ok, public_metadata: big },
      status: 422,
      code: 'form_param_exceeds_allowed_size',
      param: 'public_metadata',
    },
    {
      name: 'unknown field',
      method: 'POST',
      path: orgInv,
      body: { ...ok, colour: 'red' },
      status: 422,
      code: 'form_param_unknown',
    },
    {
      name: 'notify not boolean',
      method: 'POST',
      path: orgInv,
      body: { ...ok, notify: 'yes' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'notify',
    },
    {
      name: 'redirect_url not a URL',
      method: 'POST',
      path: orgInv,
      body: { ...ok, redirect_url: 'javascript:alert(1)' },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'redirect_url',
    },
    {
      name: 'inviter not a member',
      method: 'POST',
      path: orgInv,
      body: { ...ok, inviter_user_id: 'user_nobody' },
      status: 403,
      code: 'not_an_admin_in_organization',
    },
    {
      name: 'inviter a plain member',
      method: 'POST',
      path: orgInv,
      body: { ...ok, inviter_user_id: ids.memberId },
      status: 403,
      code: 'not_an_admin_in_organization',
    },
    {
      name: 'body an array',
      method: 'POST',
      path: orgInv,
      body: [ok],
      status: 422,
      code: 'form_param_format_invalid',
    },
    {
      name: 'malformed JSON',
      method: 'POST',
      path: orgInv,
      body: '{"email_address": ',
      status: 400,
      code: 'malformed_request_body',
    },
    { name: 'no body', method: 'POST', path: orgInv, status: 400, code: 'malformed_request_body' },
    // bulk
    {
      name: 'bulk empty',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: [],
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'bulk an object',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: ok,
      status: 422,
      code: 'form_param_format_invalid',
    },
    {
      name: 'bulk item invalid',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: [ok, { role: 'org:member' }],
      status: 422,
      code: 'form_param_missing',
      param: '[1].email_address',
    },
    {
      name: 'bulk repeats an address',
      method: 'POST',
      path: `${orgInv}/bulk`,
      body: [ok, { ...ok, email_address: 'OK@example.com' }],
      status: 400,
      code: 'duplicate_record',
    },
    // list
    {
      name: 'limit 0',
      method: 'GET',
      path: `${orgInv}?limit=0`,
      status: 422,
      code: 'form_param_value_invalid',
      param: 'limit',
    },
    {
      name: 'limit 501',
      method: 'GET',
      path: `${orgInv}?limit=501`,
      status: 422,
      code: 'form_param_value_invalid',
      param: 'limit',
    },
    {
      name: 'limit not a number',
      method: 'GET',
      path: `${orgInv}?limit=ten`,
      status: 422,
      code: 'form_param_value_invalid',
      param: 'limit',
    },
    {
      name: 'negative offset',
      method: 'GET',
      path: `${orgInv}?offset=-1`,
      status: 422,
      code: 'form_param_value_invalid',
      param: 'offset',
    },
    {
      name: 'unknown status',
      method: 'GET',
      path: `${orgInv}?status=lost`,
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'unknown order',
      method: 'GET',
      path: `${orgInv}?order_by=-role`,
      status: 422,
      code: 'form_param_value_invalid',
      param: 'order_by',
    },
    {
      name: 'limit repeated',
      method: 'GET',
      path: `${orgInv}?limit=1&limit=2`,
      status: 422,
      code: 'form_param_format_invalid',
      param: 'limit',
    },
    {
      name: 'instance list bad order',
      method: 'GET',
      path: '/v1/organization_invitations?order_by=expires_at',
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'user invitations bad status',
      method: 'GET',
      path: `/v1/users/${ids.adminId}/organization_invitations?status=x`,
      status: 422,
      code: 'form_param_value_invalid',
    },
    // get / revoke
    {
      name: 'unknown invitation',
      method: 'GET',
      path: `${orgInv}/orginv_missing`,
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'revoke by non-admin',
      method: 'POST',
      path: `${orgInv}/${ids.invId}/revoke`,
      body: { requesting_user_id: ids.memberId },
      status: 403,
      code: 'not_an_admin_in_organization',
    },
    {
      name: 'revoke with bad body',
      method: 'POST',
      path: `${orgInv}/${ids.invId}/revoke`,
      body: { requesting_user_id: 5 },
      status: 422,
      code: 'form_param_format_invalid',
    },
    // resend / events / redirects
    {
      name: 'resend by non-admin',
      method: 'POST',
      path: `${orgInv}/${ids.invId}/resend`,
      body: { requesting_user_id: ids.memberId },
      status: 403,
      code: 'not_an_admin_in_organization',
    },
    {
      name: 'resend expires_in_days 0',
      method: 'POST',
      path: `${orgInv}/${ids.invId}/resend`,
      body: { expires_in_days: 0 },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'expires_in_days',
    },
    {
      name: 'resend unknown field',
      method: 'POST',
      path: `${orgInv}/${ids.invId}/resend`,
      body: { notify: false },
      status: 422,
      code: 'form_param_unknown',
    },
    {
      name: 'resend unknown invitation',
      method: 'POST',
      path: `${orgInv}/orginv_missing/resend`,
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'events of unknown invitation',
      method: 'GET',
      path: `${orgInv}/orginv_missing/events`,
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'redirect to another origin',
      method: 'POST',
      path: orgInv,
      body: { ...ok, redirect_url: 'https://elsewhere.example.net/accept' },
      status: 422,
      code: 'redirect_url_not_allowed',
      param: 'redirect_url',
    },
    {
      name: 'app resend unknown',
      method: 'POST',
      path: '/v1/invitations/inv_missing/resend',
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'app redirect to another origin',
      method: 'POST',
      path: '/v1/invitations',
      body: { email_address: 'r@b.co', redirect_url: 'https://elsewhere.example.net/' },
      status: 422,
      code: 'redirect_url_not_allowed',
    },
    // application invitations
    {
      name: 'app invitation bad email',
      method: 'POST',
      path: '/v1/invitations',
      body: { email_address: 'nope@' },
      status: 422,
      code: 'form_param_format_invalid',
    },
    {
      name: 'app invitation bad template',
      method: 'POST',
      path: '/v1/invitations',
      body: { email_address: 'a@b.co', template_slug: 'other' },
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'app bulk of 11',
      method: 'POST',
      path: '/v1/invitations/bulk',
      body: Array.from({ length: 11 }, (_, i) => ({ email_address: `n${i}@b.co` })),
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'app list bad order',
      method: 'GET',
      path: '/v1/invitations?order_by=role',
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'app revoke unknown',
      method: 'POST',
      path: '/v1/invitations/inv_missing/revoke',
      status: 404,
      code: 'resource_not_found',
    },
    // directory
    {
      name: 'user with bad email',
      method: 'POST',
      path: '/v1/users',
      body: { email_address: ['x'] },
      status: 422,
      code: 'form_param_format_invalid',
    },
    {
      name: 'user emails not a list',
      method: 'POST',
      path: '/v1/users',
      body: { email_address: 'a@b.co' },
      status: 422,
      code: 'form_param_format_invalid',
    },
    {
      name: 'user update unknown',
      method: 'PATCH',
      path: '/v1/users/user_missing',
      body: { first_name: 'x' },
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'user update foreign email id',
      method: 'PATCH',
      path: `/v1/users/${ids.adminId}`,
      body: { primary_email_address_id: 'idn_other' },
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'user delete unknown',
      method: 'DELETE',
      path: '/v1/users/user_missing',
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'organization without name',
      method: 'POST',
      path: '/v1/organizations',
      body: {},
      status: 422,
      code: 'form_param_missing',
      param: 'name',
    },
    {
      name: 'organization bad slug',
      method: 'POST',
      path: '/v1/organizations',
      body: { name: 'X', slug: 'Not A Slug' },
      status: 422,
      code: 'form_param_value_invalid',
      param: 'slug',
    },
    {
      name: 'organization unknown creator',
      method: 'POST',
      path: '/v1/organizations',
      body: { name: 'X', created_by: 'user_missing' },
      status: 400,
      code: 'organization_creator_not_found',
    },
    {
      name: 'organization update unknown field',
      method: 'PATCH',
      path: `/v1/organizations/${ids.orgId}`,
      body: { colour: 'red' },
      status: 422,
      code: 'form_param_unknown',
    },
    {
      name: 'organization delete unknown',
      method: 'DELETE',
      path: '/v1/organizations/org_missing',
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'membership unknown user',
      method: 'POST',
      path: `/v1/organizations/${ids.orgId}/memberships`,
      body: { user_id: 'user_missing', role: 'org:member' },
      status: 404,
      code: 'resource_not_found',
    },
    {
      name: 'membership unknown role',
      method: 'POST',
      path: `/v1/organizations/${ids.orgId}/memberships`,
      body: { user_id: ids.memberId, role: 'boss' },
      status: 422,
      code: 'form_param_value_invalid',
    },
    {
      name: 'memberships of unknown org',
      method: 'GET',
      path: '/v1/organizations/org_missing/memberships',
      status: 404,
      code: 'resource_not_found',
    },
    // routing
    {
      name: 'unknown route',
      method: 'GET',
      path: '/v1/nothing-here',
      status: 404,
      code: 'resource_not_found',
    },
    { name: 'wrong method', method: 'DELETE', path: orgInv, status: 405, code: 'method_not_allowed' },
  ];
};

describe.each(testDatabases())('bad input on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;
  let ids: { orgId: string; adminId: string; memberId: string; invId: string };

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config);
    const seeded = await seedOrganization(api, 'bad');
    await api.call('CreateOrganizationInvitation', 'POST', `/v1/organizations/${seeded.orgId}/invitations`, {
      email_address: 'ok@example.com',
      role: 'org:member',
    });
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

  it('answers each malformed request with its 4xx and code, and writes nothing', async () => {
    const before = await api.call(
      'ListInstanceOrganizationInvitations',
      'GET',
      '/v1/organization_invitations?limit=500',
    );
    const failures: string[] = [];
    for (const c of cases(ids)) {
      const mismatch = badInputMismatch(c, await api.call(null, c.method, c.path, c.body));
      if (mismatch) failures.push(mismatch);
    }
    expect(failures).toEqual([]);
    const after = await api.call(
      'ListInstanceOrganizationInvitations',
      'GET',
      '/v1/organization_invitations?limit=500',
    );
    expect(after.body).toEqual(before.body);
  });

  it('rejects an oversize body with 413 and a ClerkErrors body', async () => {
    const res = await api.call(null, 'POST', '/v1/invitations', {
      email_address: 'a@b.co',
      public_metadata: { x: 'y'.repeat(200_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.errors[0].code).toBe('request_body_too_large');
  });
});
