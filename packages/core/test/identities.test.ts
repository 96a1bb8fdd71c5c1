import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import type { AuthenticatedUser } from '../src/domain/models.js';
import { createInvitekit, type Invitekit } from '../src/index.js';

// First-seen people are written to the directory together (services/identities.ts, one prepared statement
// for a group): each must come out as if written alone, on both databases.
describe.each(testDatabases())('directory writes of a group of people on $name', (kind) => {
  let ik: Invitekit;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await kind.create();
    drop = created.drop;
    ik = await createInvitekit({ database: created.config });
  });
  afterAll(async () => {
    await ik?.close();
    await drop?.();
  });

  const person = (id: string, emailAddress: string, verified: boolean): AuthenticatedUser => ({
    id,
    emailAddresses: [{ emailAddress, verified }],
    firstName: id,
  });
  const addresses = async (userId: string) => {
    const user = await ik.services.users.get(userId);
    const primary = user.emailAddresses.find((e) => e.id === user.primaryEmailAddressId);
    return {
      emails: user.emailAddresses.map((e) => `${e.emailAddress}:${e.verified}`),
      primary: primary?.emailAddress ?? null,
    };
  };

  it('writes each person of one group, and a verified person takes over an address claimed unverified', async () => {
    await ik.services.identities.remember(person('user_claimer', 'shared@example.com', false));
    expect(await addresses('user_claimer')).toEqual({
      emails: ['shared@example.com:false'],
      primary: 'shared@example.com',
    });

    // Remembered in one turn: one statement writes the three of them.
    await Promise.all([
      ik.services.identities.remember(person('user_group_a', 'a@example.com', true)),
      ik.services.identities.remember(person('user_owner', 'Shared@Example.com', true)),
      ik.services.identities.remember(person('user_group_b', 'b@example.com', false)),
    ]);

    expect(await addresses('user_group_a')).toEqual({
      emails: ['a@example.com:true'],
      primary: 'a@example.com',
    });
    expect(await addresses('user_group_b')).toEqual({
      emails: ['b@example.com:false'],
      primary: 'b@example.com',
    });
    expect(await addresses('user_owner')).toEqual({
      emails: ['shared@example.com:true'],
      primary: 'shared@example.com',
    });
    // The claimer lost the address, and with it their primary one.
    expect(await addresses('user_claimer')).toEqual({ emails: [], primary: null });
    expect((await ik.services.users.get('user_group_a')).firstName).toBe('user_group_a');
  });
});
