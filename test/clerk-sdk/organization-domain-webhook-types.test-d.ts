import type { OrganizationDomainWebhookEvent, WebhookEvent } from '@clerk/backend';
import type { InvitekitWebhookEvent } from '@invitekit/core';
import { describe, expectTypeOf, it } from 'vitest';

// Type-level view of the verified-domain webhooks (core/src/delivery/webhooks.ts) next to @clerk/backend's.

type Sent<T extends InvitekitWebhookEvent['type']> = InvitekitWebhookEvent & { type: T };

describe('verified domain webhook types', () => {
  it('organizationDomain.deleted is the OrganizationDomainWebhookEvent a Clerk handler expects', () => {
    expectTypeOf<Sent<'organizationDomain.deleted'>>().not.toBeNever();
    expectTypeOf<Sent<'organizationDomain.deleted'>>().toExtend<OrganizationDomainWebhookEvent>();
  });

  it('organizationDomain.created and .updated carry the contract’s domain (verification per the OpenAPI spec)', () => {
    expectTypeOf<Sent<'organizationDomain.created'>['data']['name']>().toEqualTypeOf<string>();
    expectTypeOf<
      Sent<'organizationDomain.updated'>['data']['total_pending_suggestions']
    >().toEqualTypeOf<number>();
  });

  it('membership request events are Invitekit’s own, not among the types @clerk/backend declares', () => {
    expectTypeOf<Sent<'organizationMembershipRequest.accepted'>>().not.toBeNever();
    expectTypeOf<Sent<'organizationMembershipRequest.accepted'>>().not.toExtend<WebhookEvent>();
  });
});
