import type {
  OrganizationInvitationAcceptedWebhookEvent,
  OrganizationInvitationWebhookEvent,
  WebhookEvent,
} from '@clerk/backend';
import type { InvitekitExtensionWebhookEvent, InvitekitWebhookEvent } from '@invitekit/core';
import { describe, expectTypeOf, it } from 'vitest';

// Type-level conformance: what Invitekit's webhookPayload() is typed to send (core/src/delivery/webhooks.ts)
// is what @clerk/backend declares for the organization invitation events.

/** The event Invitekit sends as `T` (intersecting narrows the union's `type` fields to `T`). */
type Sent<T extends InvitekitWebhookEvent['type']> = InvitekitWebhookEvent & { type: T };
type OrganizationEventType = Extract<InvitekitWebhookEvent['type'], `organizationInvitation.${string}`>;

describe('webhook payload types', () => {
  it('organizationInvitation.created and .revoked are OrganizationInvitationWebhookEvents', () => {
    expectTypeOf<Sent<'organizationInvitation.created'>>().not.toBeNever();
    expectTypeOf<Sent<'organizationInvitation.created'>>().toExtend<OrganizationInvitationWebhookEvent>();
    expectTypeOf<Sent<'organizationInvitation.revoked'>>().toExtend<OrganizationInvitationWebhookEvent>();
  });

  it('organizationInvitation.accepted is an OrganizationInvitationAcceptedWebhookEvent', () => {
    expectTypeOf<
      Sent<'organizationInvitation.accepted'>
    >().toExtend<OrganizationInvitationAcceptedWebhookEvent>();
  });

  it('every organization event is a WebhookEvent a Clerk handler can switch on', () => {
    expectTypeOf<Sent<OrganizationEventType>>().not.toBeNever();
    expectTypeOf<Sent<OrganizationEventType>>().toExtend<WebhookEvent>();
    expectTypeOf<OrganizationEventType>().toEqualTypeOf<
      'organizationInvitation.created' | 'organizationInvitation.revoked' | 'organizationInvitation.accepted'
    >();
  });

  it('application invitation events are not among the types @clerk/backend declares', () => {
    expectTypeOf<Sent<'invitation.created'>>().not.toBeNever();
    expectTypeOf<Sent<'invitation.created'>>().not.toExtend<WebhookEvent>();
  });

  it('the edit events (Invitekit extension, opt-in by name) are not among them either', () => {
    type Updated = InvitekitExtensionWebhookEvent & { type: 'organizationInvitation.updated' };
    expectTypeOf<Updated>().not.toBeNever();
    expectTypeOf<Updated>().not.toExtend<WebhookEvent>();
  });
});
