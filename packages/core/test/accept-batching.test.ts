import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import type { AuthenticatedUser } from '../src/domain/models.js';
import { createInvitekit, type Invitekit } from '../src/index.js';

// Accepts made in the same turn of the event loop share one statement (services/acceptance.ts, with
// storage/batcher.ts); each must come out as if it had run alone, on both databases.
describe.each(testDatabases())('accepts grouped in one statement on $name', (kind) => {
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

  let seq = 0;
  const person = (...emails: string[]): AuthenticatedUser => ({
    id: `user_batch_${++seq}`,
    emailAddresses: emails.map((emailAddress) => ({ emailAddress, verified: true })),
  });
  const organization = () => ik.services.organizations.create({ name: `Batch ${++seq}` });
  const invite = async (organizationId: string, emailAddress: string) => {
    const created = await ik.services.organizationInvitations.create(organizationId, {
      emailAddress,
      role: 'org:member',
    });
    return { id: created.id, token: new URL(created.url!).searchParams.get('invitation_token')! };
  };
  /** Writes the people to the directory first, so that their accepts go straight to the shared statement. */
  const known = async (...people: AuthenticatedUser[]) => {
    for (const p of people) await ik.services.identities.remember(p);
  };
  const members = async (organizationId: string, userId: string) =>
    (await ik.services.memberships.list(organizationId, { limit: 100 })).data.filter(
      (m) => m.user.userId === userId,
    ).length;
  const codeOf = (r: PromiseSettledResult<unknown>) =>
    r.status === 'rejected' ? (r.reason as { errors?: { code: string }[] }).errors?.[0]?.code : 'ok';

  it('the same invitation twice in one batch: one accept, the other finds it accepted', async () => {
    const org = await organization();
    const alice = person(`alice-${seq}@example.com`);
    await known(alice);
    const { token } = await invite(org.id, alice.emailAddresses[0]!.emailAddress);
    const results = await Promise.allSettled([
      ik.services.acceptance.acceptToken(token, alice),
      ik.services.acceptance.acceptToken(token, alice),
      ik.services.acceptance.acceptToken(token, alice),
    ]);
    expect(results.map(codeOf).sort()).toEqual(['invitation_not_pending', 'invitation_not_pending', 'ok']);
    expect(await members(org.id, alice.id)).toBe(1);
  });

  it('the same invitation by id and by token in one batch: exactly one accept', async () => {
    const org = await organization();
    const bob = person(`bob-${seq}@example.com`);
    await known(bob);
    const { id, token } = await invite(org.id, bob.emailAddresses[0]!.emailAddress);
    const results = await Promise.allSettled([
      ik.services.acceptance.acceptOrganizationInvitation(id, bob),
      ik.services.acceptance.acceptToken(token, bob),
    ]);
    expect(results.map(codeOf).filter((c) => c === 'ok')).toHaveLength(1);
    expect(results.map(codeOf)).toContain('invitation_not_pending');
    expect(await members(org.id, bob.id)).toBe(1);
  });

  it('one failing item (already a member) fails alone; the others in its batch are accepted', async () => {
    const [orgA, orgB, orgC] = [await organization(), await organization(), await organization()];
    const carol = person(`carol-${seq}@example.com`);
    const dave = person(`dave-${seq}@example.com`);
    await known(carol, dave);
    // Carol joins A, then is invited to A again at a second address: accepting that one must fail.
    await ik.services.acceptance.acceptToken(
      (await invite(orgA.id, carol.emailAddresses[0]!.emailAddress)).token,
      carol,
    );
    const second = `carol-2-${seq}@example.com`;
    const again = await invite(orgA.id, second);
    const carol2 = {
      ...carol,
      emailAddresses: [...carol.emailAddresses, { emailAddress: second, verified: true }],
    };
    await known(carol2);
    const toB = await invite(orgB.id, carol.emailAddresses[0]!.emailAddress);
    const toC = await invite(orgC.id, dave.emailAddresses[0]!.emailAddress);
    const results = await Promise.allSettled([
      ik.services.acceptance.acceptToken(toB.token, carol2),
      ik.services.acceptance.acceptToken(again.token, carol2),
      ik.services.acceptance.acceptToken(toC.token, dave),
    ]);
    expect(results.map(codeOf)).toEqual(['ok', 'already_a_member_in_organization', 'ok']);
    expect(await members(orgA.id, carol.id)).toBe(1);
    expect(await members(orgB.id, carol.id)).toBe(1);
    expect(await members(orgC.id, dave.id)).toBe(1);
    // Nothing half-written: the refused invitation is still pending, and can be revoked as usual.
    const refused = await ik.services.organizationInvitations.get(orgA.id, again.id);
    expect(refused.status).toBe('pending');
  });

  it('the same person twice in one batch, two invitations to one organization: one membership', async () => {
    const org = await organization();
    const [e1, e2] = [`erin-${seq}@example.com`, `erin-2-${seq}@example.com`];
    const erin = person(e1, e2);
    const first = await invite(org.id, e1);
    const second = await invite(org.id, e2);
    await known(erin);
    const results = await Promise.allSettled([
      ik.services.acceptance.acceptToken(first.token, erin),
      ik.services.acceptance.acceptToken(second.token, erin),
    ]);
    expect(results.map(codeOf)).toEqual(['ok', 'already_a_member_in_organization']);
    expect(await members(org.id, erin.id)).toBe(1);
    expect((await ik.services.organizationInvitations.get(org.id, second.id)).status).toBe('pending');
  });

  it('a bad token next to good ones: each answers as alone', async () => {
    const org = await organization();
    const [frank, grace] = [person(`frank-${seq}@example.com`), person(`grace-${seq}@example.com`)];
    await known(frank, grace);
    const f = await invite(org.id, frank.emailAddresses[0]!.emailAddress);
    const g = await invite(org.id, grace.emailAddresses[0]!.emailAddress);
    // Failures about an invitation that stays pending (about one accepted in the same batch, they may
    // answer invitation_not_pending instead: as if they came after, when it has no hash left).
    const h = await invite(org.id, frank.emailAddresses[0]!.emailAddress.replace('frank', 'frank-h'));
    const forged = `${h.token.slice(0, -4)}AAAA`;
    const results = await Promise.allSettled([
      ik.services.acceptance.acceptToken(forged, frank),
      ik.services.acceptance.acceptToken(h.token, grace),
      ik.services.acceptance.acceptToken(g.token, grace),
      ik.services.acceptance.acceptToken(f.token, frank),
    ]);
    expect(results.map(codeOf)).toEqual([
      'invitation_token_invalid',
      'invitation_email_mismatch',
      'ok',
      'ok',
    ]);
    expect(await members(org.id, frank.id)).toBe(1);
    expect(await members(org.id, grace.id)).toBe(1);
  });

  it('first-seen people written together: each gets their user and addresses', async () => {
    const people = Array.from({ length: 5 }, (_, i) => person(`new-${i}-${seq}@example.com`));
    await Promise.all(
      people.flatMap((p) => [ik.services.identities.remember(p), ik.services.identities.remember(p)]),
    );
    for (const p of people) {
      const user = await ik.services.users.get(p.id);
      expect(user.emailAddresses.map((e) => e.emailAddress)).toEqual([p.emailAddresses[0]!.emailAddress]);
    }
  });
});
