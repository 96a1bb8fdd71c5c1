import { expect, it } from 'vitest';
import { Lifecycle } from '../src/services/lifecycle-config.js';

// Which endpoints hear an event type: every Clerk type goes to an endpoint without `events`; Invitekit's
// own types (edits, join links, membership requests) only to endpoints that name them.
const lifecycle = new Lifecycle({
  webhooks: [
    { url: 'https://clerk-receiver.example/all', secret: 'whsec_a' },
    {
      url: 'https://app.example/named',
      secret: 'whsec_b',
      events: ['joinLink.joined', 'invitation.created'],
    },
  ],
});

it('sends Clerk event types to subscribe-all endpoints and to endpoints that name them', () => {
  expect(lifecycle.webhookTargets('organizationInvitation.created')).toEqual([
    'https://clerk-receiver.example/all',
  ]);
  expect(lifecycle.webhookTargets('invitation.created')).toEqual([
    'https://clerk-receiver.example/all',
    'https://app.example/named',
  ]);
  expect(lifecycle.webhookTargets('organizationDomain.created')).toEqual([
    'https://clerk-receiver.example/all',
  ]);
});

it('sends Invitekit extension types only to endpoints that name them', () => {
  expect(lifecycle.webhookTargets('joinLink.joined')).toEqual(['https://app.example/named']);
  for (const type of [
    'joinLink.requested',
    'organizationMembershipRequest.created',
    'organizationInvitation.updated',
    'invitation.updated',
  ]) {
    expect(lifecycle.webhookTargets(type)).toEqual([]);
  }
});
