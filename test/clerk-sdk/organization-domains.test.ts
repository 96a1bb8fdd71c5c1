import { randomBytes } from 'node:crypto';
import type { WebhookEvent } from '@clerk/backend';
import { verifyWebhook } from '@clerk/backend/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser } from '../../apps/server/test/harness.js';
import { expectWire, expectWirePage } from '../support/clerk-contract.js';
import { type ClerkTarget, clerkError, expectResource, startClerkTarget } from '../support/clerk-sdk.js';
import { testDatabases } from '../support/databases.js';
import { waitFor } from '../support/smtp.js';
import { type ReceivedWebhook, startWebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

type Raw = Record<string, any>;
let n = 0;
const domainName = (label: string) => `${label}${++n}-${Date.now().toString(36)}.com`;

// Verified domains as a Clerk user drives them: @clerk/backend's organizations.createOrganizationDomain,
// getOrganizationDomainList, updateOrganizationDomain and deleteOrganizationDomain against the standalone
// server, and the organizationDomain.* webhooks read with verifyWebhook.
describe.each(testDatabases())('@clerk/backend organization domains against Invitekit on $name', (kind) => {
  let t: ClerkTarget;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startClerkTarget(kind, {
      webhooks: [{ url: receiver.url, secret: SECRET }],
      delivery: { pollIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 100 },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
  });

  const organization = async (label: string) => {
    const admin = await t.clerk.users.createUser({ emailAddress: [`admin@${domainName(label)}`] });
    return t.clerk.organizations.createOrganization({ name: `${label} Org`, createdBy: admin.id });
  };
  const delivery = (type: string, id: string) =>
    waitFor(`${type} for ${id}`, () =>
      receiver.requests.find((r) => r.body.includes(`"type":"${type}"`) && r.body.includes(`"id":"${id}"`)),
    );
  const verified = (r: ReceivedWebhook): Promise<WebhookEvent> =>
    verifyWebhook(
      new Request('https://app.example.com/api/webhooks', {
        method: 'POST',
        headers: Object.entries(r.headers).flatMap(([k, v]) =>
          v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]],
        ),
        body: r.body,
      }),
      { signingSecret: SECRET },
    );

  it('create, list, update and delete through the SDK, with the contract shapes and organizationDomain webhooks', async () => {
    const org = await organization('sdk');
    const name = domainName('sdkcorp');
    const created = await t.clerk.organizations.createOrganizationDomain({
      organizationId: org.id,
      name,
      enrollmentMode: 'automatic_invitation',
    });
    // @clerk/backend 3.25 maps no class for organization_domain: a Clerk user gets the JSON as sent.
    expect(created as unknown as Raw).toMatchObject({
      object: 'organization_domain',
      organization_id: org.id,
      name,
      enrollment_mode: 'automatic_invitation',
      verification: { status: 'verified' },
    });
    expectWire('CreateOrganizationDomain', { raw: created });
    const id = (created as unknown as Raw).id as string;

    const unverified = await t.clerk.organizations.createOrganizationDomain({
      organizationId: org.id,
      name: domainName('sdklater'),
      enrollmentMode: 'manual_invitation',
      verified: false,
    });
    expect((unverified as unknown as Raw).verification).toBeNull();

    const list = await t.clerk.organizations.getOrganizationDomainList({ organizationId: org.id, limit: 1 });
    expect(list.totalCount).toBe(2);
    expect(list.data).toHaveLength(1);
    expectWirePage('ListOrganizationDomains', {
      data: list.data.map((raw) => ({ raw })),
      totalCount: list.totalCount,
    });

    const updated = await t.clerk.organizations.updateOrganizationDomain({
      organizationId: org.id,
      domainId: id,
      enrollmentMode: 'automatic_suggestion',
    });
    expect((updated as unknown as Raw).enrollment_mode).toBe('automatic_suggestion');
    expectWire('UpdateOrganizationDomain', { raw: updated });

    const deleted = await t.clerk.organizations.deleteOrganizationDomain({
      organizationId: org.id,
      domainId: id,
    });
    expectResource(deleted, 'DeletedObject');
    expect(deleted).toMatchObject({ id, deleted: true });

    const createdEvent = await verified(await delivery('organizationDomain.created', id));
    expect(createdEvent).toMatchObject({ type: 'organizationDomain.created', data: { id, name } });
    const updatedEvent = await verified(await delivery('organizationDomain.updated', id));
    expect(updatedEvent.data).toMatchObject({ id, enrollment_mode: 'automatic_suggestion' });
    const deletedEvent = await verified(await delivery('organizationDomain.deleted', id));
    expect(deletedEvent.data).toEqual({ object: 'organization_domain', id, deleted: true });
  });

  it('refuses what Clerk refuses, as ClerkAPIResponseErrors with stable codes', async () => {
    const org = await organization('sdkrules');
    await clerkError(
      t.clerk.organizations.createOrganizationDomain({
        organizationId: org.id,
        name: 'gmail.com',
        enrollmentMode: 'manual_invitation',
      }),
      400,
      'organization_domain_common',
    );
    const other = await organization('sdkother');
    const name = domainName('taken');
    await t.clerk.organizations.createOrganizationDomain({
      organizationId: org.id,
      name,
      enrollmentMode: 'manual_invitation',
    });
    await clerkError(
      t.clerk.organizations.createOrganizationDomain({
        organizationId: other.id,
        name,
        enrollmentMode: 'manual_invitation',
      }),
      400,
      'organization_domain_verified_elsewhere',
    );
    await clerkError(
      t.clerk.organizations.deleteOrganizationDomain({ organizationId: org.id, domainId: 'orgdmn_missing' }),
      404,
      'resource_not_found',
    );
  });

  it('automatic_invitation: a user created through the SDK, then signed in, sees and accepts the invitation', async () => {
    const org = await organization('sdkauto');
    const corp = domainName('sdkauto');
    await t.clerk.organizations.createOrganizationDomain({
      organizationId: org.id,
      name: corp,
      enrollmentMode: 'automatic_invitation',
    });
    const user = await t.clerk.users.createUser({ emailAddress: [`lee@${corp}`] });
    const own = await t.clerk.users.getOrganizationInvitationList({ userId: user.id });
    expect(own.data.map((i) => [i.organizationId, i.status, i.role])).toEqual([
      [org.id, 'pending', 'org:member'],
    ]);
    // Not in the organization's own list, as in Clerk.
    const orgList = await t.clerk.organizations.getOrganizationInvitationList({ organizationId: org.id });
    expect(orgList.totalCount).toBe(0);

    const headers = await asUser(user.id, `lee@${corp}`);
    const res = await fetch(
      `${t.server.url}/frontend/v1/me/organization_invitations/${own.data[0]!.id}/accept`,
      {
        method: 'POST',
        headers,
      },
    );
    expect(res.status).toBe(200);
    const members = await t.clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
    expect(members.data.map((m) => m.publicUserData?.userId)).toContain(user.id);
  });
});
