import { randomBytes } from 'node:crypto';
import type { OrganizationInvitationJSON, WebhookEvent } from '@clerk/backend';
import { verifyWebhook } from '@clerk/backend/webhooks';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser } from '../../apps/server/test/harness.js';
import { address, type ClerkTarget, startClerkTarget } from '../support/clerk-sdk.js';
import { testDatabases } from '../support/databases.js';
import { waitFor } from '../support/smtp.js';
import { type ReceivedWebhook, startWebhookReceiver } from '../support/webhook-receiver.js';

// Webhooks as a Clerk user receives them: real deliveries from the standalone server to a real HTTP
// receiver, verified with @clerk/backend's verifyWebhook and with the svix package.

/** A signing secret as Clerk's dashboard (Svix) issues it: `whsec_` and base64 of 24 random bytes. */
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** The delivery as the Fetch API `Request` a Next.js / Hono / Remix handler gets. */
const asRequest = (r: ReceivedWebhook, body = r.body) =>
  new Request('https://app.example.com/api/webhooks', {
    method: 'POST',
    headers: Object.entries(r.headers).flatMap(([k, v]) =>
      v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]],
    ),
    body,
  });

const svixHeaders = (r: ReceivedWebhook) => ({
  'svix-id': String(r.headers['svix-id']),
  'svix-timestamp': String(r.headers['svix-timestamp']),
  'svix-signature': String(r.headers['svix-signature']),
});

describe.each(testDatabases())('webhooks to a Clerk receiver on $name', (kind) => {
  let t: ClerkTarget;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startClerkTarget(kind, {
      webhooks: [{ url: receiver.url, secret: SECRET }],
      instanceId: 'ins_clerk_sdk',
      delivery: { pollIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 100 },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
  });

  /** The delivery of `type` about invitation `id`, once it has arrived. */
  const delivery = (type: string, id: string) =>
    waitFor(`${type} for ${id}`, () =>
      receiver.requests.find((r) => r.body.includes(`"type":"${type}"`) && r.body.includes(`"id":"${id}"`)),
    );

  /** Verifies one delivery three ways and returns what verifyWebhook gives a Clerk user's handler. */
  async function verified(r: ReceivedWebhook): Promise<WebhookEvent> {
    // Svix's names and Standard Webhooks' names carry the same values.
    expect(r.headers['svix-id']).toMatch(/^msg_/);
    expect(r.headers['svix-id']).toBe(r.headers['webhook-id']);
    expect(r.headers['svix-timestamp']).toBe(r.headers['webhook-timestamp']);
    expect(r.headers['svix-signature']).toBe(r.headers['webhook-signature']);
    expect(r.headers['svix-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const event = await verifyWebhook(asRequest(r), { signingSecret: SECRET });
    // svix 2.x's verify returns nothing and throws on a bad signature.
    expect(() => new SvixWebhook(SECRET).verify(r.body, svixHeaders(r))).not.toThrow();
    const byStandard = new StandardWebhook(SECRET).verify(r.body, {
      'webhook-id': String(r.headers['webhook-id']),
      'webhook-timestamp': String(r.headers['webhook-timestamp']),
      'webhook-signature': String(r.headers['webhook-signature']),
    });
    expect(byStandard).toEqual(JSON.parse(r.body));
    expect(event).toEqual(JSON.parse(r.body));

    // A forged body, another secret, or missing svix headers are refused by both Clerk-side verifiers.
    const forged = r.body.replace('@example.com', '@evil.example');
    await expect(verifyWebhook(asRequest(r, forged), { signingSecret: SECRET })).rejects.toThrow();
    expect(() => new SvixWebhook(SECRET).verify(forged, svixHeaders(r))).toThrow();
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    await expect(verifyWebhook(asRequest(r), { signingSecret: other })).rejects.toThrow();
    const stripped = { ...r, headers: { ...r.headers, 'svix-signature': undefined } };
    await expect(verifyWebhook(asRequest(stripped), { signingSecret: SECRET })).rejects.toThrow(
      /svix-signature/,
    );
    return event;
  }

  /** Runtime checks of the fields @clerk/backend's OrganizationInvitationJSON declares. */
  function expectOrganizationInvitationJSON(data: OrganizationInvitationJSON) {
    expect(data).toMatchObject({
      object: 'organization_invitation',
      id: expect.stringMatching(/^orginv_/),
      email_address: expect.any(String),
      role: expect.any(String),
      role_name: expect.any(String),
      organization_id: expect.stringMatching(/^org_/),
      public_metadata: expect.any(Object),
      private_metadata: expect.any(Object),
      url: null,
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      expires_at: expect.any(Number),
    });
    expect(['pending', 'accepted', 'revoked', 'expired']).toContain(data.status);
  }

  it('organizationInvitation.created / .revoked / .accepted verify with verifyWebhook and svix, typed as WebhookEvent', async () => {
    const admin = await t.clerk.users.createUser({ emailAddress: [address('wh-admin')], firstName: 'Ada' });
    const org = await t.clerk.organizations.createOrganization({ name: 'Hooks', createdBy: admin.id });
    const invite = (email: string) =>
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: email,
        role: 'org:member',
        inviterUserId: admin.id,
        publicMetadata: { team: 'blue' },
        privateMetadata: { source: 'webhook-test' },
      });

    const created = await invite(address('wh-created'));
    const createdEvent = await verified(await delivery('organizationInvitation.created', created.id));
    expect(createdEvent).toMatchObject({
      object: 'event',
      type: 'organizationInvitation.created',
      instance_id: 'ins_clerk_sdk',
      timestamp: created.createdAt,
      event_attributes: { http_request: { client_ip: expect.any(String), user_agent: expect.any(String) } },
    });
    if (createdEvent.type !== 'organizationInvitation.created') throw new Error('narrowing');
    expectOrganizationInvitationJSON(createdEvent.data);
    expect(createdEvent.data).toMatchObject({
      id: created.id,
      email_address: created.emailAddress,
      status: 'pending',
      role_name: 'Member',
      public_metadata: { team: 'blue' },
      private_metadata: { source: 'webhook-test' },
      expires_at: created.expiresAt,
      // Where Clerk's webhook contract puts the organization.
      data: { public_organization_data: { id: org.id, name: 'Hooks', slug: org.slug, has_image: false } },
    });

    await t.clerk.organizations.revokeOrganizationInvitation({
      organizationId: org.id,
      invitationId: created.id,
      requestingUserId: admin.id,
    });
    const revokedEvent = await verified(await delivery('organizationInvitation.revoked', created.id));
    if (revokedEvent.type !== 'organizationInvitation.revoked') throw new Error('narrowing');
    expectOrganizationInvitationJSON(revokedEvent.data);
    expect(revokedEvent.data).toMatchObject({ id: created.id, status: 'revoked' });

    // Accepted by the invitee through the Frontend API, as a signed-in person with the verified address.
    const inviteeEmail = address('wh-invitee');
    const accepted = await invite(inviteeEmail);
    const res = await fetch(`${t.server.url}/frontend/v1/me/organization_invitations/${accepted.id}/accept`, {
      method: 'POST',
      headers: await asUser('user_wh_invitee', inviteeEmail),
    });
    expect(res.status).toBe(200);
    const acceptedEvent = await verified(await delivery('organizationInvitation.accepted', accepted.id));
    if (acceptedEvent.type !== 'organizationInvitation.accepted') throw new Error('narrowing');
    expectOrganizationInvitationJSON(acceptedEvent.data);
    expect(acceptedEvent.data).toMatchObject({
      id: accepted.id,
      status: 'accepted',
      user_id: 'user_wh_invitee',
    });
  });

  it('application invitations are delivered as invitation.created / .revoked, verified the same way', async () => {
    const invitation = await t.clerk.invitations.createInvitation({
      emailAddress: address('wh-app'),
      publicMetadata: { plan: 'pro' },
      notify: false,
    });
    const created = await verified(await delivery('invitation.created', invitation.id));
    // Not a type @clerk/backend declares: read as Clerk's Invitation JSON.
    expect(created).toMatchObject({
      object: 'event',
      type: 'invitation.created',
      data: {
        object: 'invitation',
        id: invitation.id,
        email_address: invitation.emailAddress,
        public_metadata: { plan: 'pro' },
        status: 'pending',
        revoked: false,
      },
    });
    expect((created.data as { url?: string }).url).toBeUndefined();
    await t.clerk.invitations.revokeInvitation(invitation.id);
    const revoked = await verified(await delivery('invitation.revoked', invitation.id));
    expect(revoked.data).toMatchObject({ id: invitation.id, status: 'revoked', revoked: true });
  });
});
