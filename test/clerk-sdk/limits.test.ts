import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, type ClerkTarget, clerkError, startClerkTarget } from '../support/clerk-sdk.js';
import { testDatabases } from '../support/databases.js';

describe.each(testDatabases())('@clerk/backend against Invitekit on $name: limits', (kind) => {
  let t: ClerkTarget;
  beforeAll(async () => {
    t = await startClerkTarget(kind);
  });
  afterAll(() => t?.stop());

  it("reads a refused create as a 429 too_many_requests with the SDK's retryAfter", async () => {
    const user = await t.clerk.users.createUser({ emailAddress: [address('limit-admin')] });
    const org = await t.clerk.organizations.createOrganization({ name: 'Limits', createdBy: user.id });
    // The default limit: 100 invitations per inviter per hour.
    for (let call = 0; call < 10; call++) {
      const created = await t.clerk.organizations.createOrganizationInvitationBulk(
        org.id,
        Array.from({ length: 10 }, () => ({
          emailAddress: address('limit'),
          role: 'org:member',
          inviterUserId: user.id,
        })),
      );
      expect(created.data).toHaveLength(10);
    }
    const err = await clerkError(
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: address('limit'),
        role: 'org:member',
        inviterUserId: user.id,
      }),
      429,
      'too_many_requests',
    );
    expect(err.retryAfter).toBeGreaterThan(3600 - 120);
    expect(err.retryAfter).toBeLessThanOrEqual(3600);
  });
});
