import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import type { AuthenticatedUser } from '../src/domain/models.js';
import { createInvitekit, type Invitekit } from '../src/index.js';
import type { ServiceContext } from '../src/services/context.js';
import type { Statement } from '../src/storage/database.js';

// Accepts made in the same turn of the event loop share one statement (services/acceptance.ts, with
// storage/batcher.ts); each must come out as if it had run alone, on both databases.
describe.each(testDatabases())('accepts grouped in one statement on $name', (kind) => {
  let ik: Invitekit;
  let drop: () => Promise<void>;
  /** Signed-in people by bearer token, for the Frontend API. */
  const sessions = new Map<string, AuthenticatedUser>();
  /** Names of the prepared statements run since the last `statements.length = 0`. */
  const statements: string[] = [];

  beforeAll(async () => {
    const created = await kind.create();
    drop = created.drop;
    ik = await createInvitekit({
      database: created.config,
      authenticate: async (request) => sessions.get(String(request.headers.authorization)) ?? null,
      // No per-client token limit: its count is a write of its own before each accept, which would
      // separate concurrent accepts into turns of their own and add a transaction to count.
      limits: { maxTokenRequestsPerClientPerMinute: 0 },
    });
    // The services' shared context (private): every prepared statement they run goes through its `run`.
    const ctx = (ik.services.acceptance as unknown as { ctx: ServiceContext }).ctx;
    const run = ctx.run;
    ctx.run = <R>(statement: Statement, params: unknown[]) => {
      statements.push(statement.name);
      return run<R>(statement, params);
    };
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
  /** POST /tickets/accept through the Frontend API, signed in as `who`. */
  const acceptByHttp = async (who: AuthenticatedUser, token: string) => {
    sessions.set(`Bearer ${who.id}`, who);
    const res = await ik.handle({
      method: 'POST',
      path: '/frontend/v1/tickets/accept',
      query: {},
      headers: { authorization: `Bearer ${who.id}` },
      body: { token },
    });
    return { status: res.status, body: res.body as { errors?: { code: string }[] } };
  };
  /** Transaction ids assigned so far in the database (each writing transaction takes one). */
  const nextXid = async () => {
    const r = (await ik.database.db.execute(
      sql`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`,
    )) as unknown as { rows: { x: string }[] };
    return Number(r.rows[0]!.x);
  };
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

  // The Frontend API's accept writes a first-seen person in the accept statement itself
  // (storage/acceptance-statements.ts), instead of a directory write before it: one statement, one commit.
  it('a first-time accept by token: the person and the membership in one statement, one transaction', async () => {
    const org = await organization();
    const hana = { ...person(`hana-${seq}@example.com`), firstName: 'Hana' };
    const { token } = await invite(org.id, hana.emailAddresses[0]!.emailAddress);
    statements.length = 0;
    const before = await nextXid();
    const res = await acceptByHttp(hana, token);
    const after = await nextXid();
    expect(res.status).toBe(200);
    expect(statements).toEqual(['invitekit_accept_organization_invitations_with_people_v1']);
    // The shared cluster of the PostgreSQL tests assigns ids to others' transactions too.
    if (kind.name === 'pglite') expect(after - before).toBe(1);
    const user = await ik.services.users.get(hana.id);
    expect(user.firstName).toBe('Hana');
    expect(user.emailAddresses.map((e) => [e.emailAddress, e.verified])).toEqual([
      [hana.emailAddresses[0]!.emailAddress, true],
    ]);
    expect(await members(org.id, hana.id)).toBe(1);
    // Known from now on: the next Frontend API call writes nothing.
    statements.length = 0;
    const mine = await ik.handle({
      method: 'GET',
      path: '/frontend/v1/me/organization_invitations',
      query: {},
      headers: { authorization: `Bearer ${hana.id}` },
      body: undefined,
    });
    expect(mine.status).toBe(200);
    expect(statements).not.toContain('invitekit_sync_people_v2');
    // Their next accept writes no person: the statement without the directory write.
    const other = await organization();
    const next = await invite(other.id, hana.emailAddresses[0]!.emailAddress);
    statements.length = 0;
    expect((await acceptByHttp(hana, next.token)).status).toBe(200);
    expect(statements).toEqual(['invitekit_accept_organization_invitations_v3']);
  });

  it('first-time accepts of many people at once: each written, each a member, no separate directory write', async () => {
    const org = await organization();
    const people = Array.from({ length: 12 }, (_, i) => person(`many-${i}-${seq}@example.com`));
    const tokens = await Promise.all(people.map((p) => invite(org.id, p.emailAddresses[0]!.emailAddress)));
    statements.length = 0;
    const results = await Promise.all(people.map((p, i) => acceptByHttp(p, tokens[i]!.token)));
    expect(results.map((r) => r.status)).toEqual(people.map(() => 200));
    expect(
      statements.filter((n) => n !== 'invitekit_accept_organization_invitations_with_people_v1'),
    ).toEqual([]);
    for (const p of people) {
      expect((await ik.services.users.get(p.id)).emailAddresses).toHaveLength(1);
      expect(await members(org.id, p.id)).toBe(1);
    }
  });

  it('two first-time people with one address in one batch: each accepts as alone, the first keeps it', async () => {
    const org = await organization();
    const shared = `shared-${seq}@example.com`;
    const [ivy, jon] = [person(`ivy-${seq}@example.com`, shared), person(`jon-${seq}@example.com`, shared)];
    const toIvy = await invite(org.id, ivy.emailAddresses[0]!.emailAddress);
    const toJon = await invite(org.id, jon.emailAddresses[0]!.emailAddress);
    statements.length = 0;
    // Both in one statement would write the shared address twice: the batch fails, and each runs alone.
    const results = await Promise.all([acceptByHttp(ivy, toIvy.token), acceptByHttp(jon, toJon.token)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(
      statements.filter((n) => n === 'invitekit_accept_organization_invitations_with_people_v1'),
    ).toHaveLength(3);
    expect(await members(org.id, ivy.id)).toBe(1);
    expect(await members(org.id, jon.id)).toBe(1);
    // As when the directory wrote them before: verified by both, the address stays with the first.
    const emails = async (id: string) =>
      (await ik.services.users.get(id)).emailAddresses.map((e) => e.emailAddress).sort();
    expect(await emails(ivy.id)).toEqual([ivy.emailAddresses[0]!.emailAddress, shared].sort());
    expect(await emails(jon.id)).toEqual([jon.emailAddresses[0]!.emailAddress]);
  });

  it('a first-time accept that fails still leaves the person in the directory, as any Frontend API call does', async () => {
    const org = await organization();
    const kim = person(`kim-${seq}@example.com`);
    const h = await invite(org.id, kim.emailAddresses[0]!.emailAddress);
    const forged = await acceptByHttp(kim, `${h.token.slice(0, -4)}AAAA`);
    expect([forged.status, forged.body.errors?.[0]?.code]).toEqual([404, 'invitation_token_invalid']);
    expect((await ik.services.users.get(kim.id)).emailAddresses).toHaveLength(1);

    // A member already there, back with a second address they were invited at: refused, nothing of the
    // accept written, the new address in the directory.
    expect((await acceptByHttp(kim, h.token)).status).toBe(200);
    const second = `kim-2-${seq}@example.com`;
    const again = await invite(org.id, second);
    const kim2 = {
      ...kim,
      emailAddresses: [...kim.emailAddresses, { emailAddress: second, verified: true }],
    };
    const refused = await acceptByHttp(kim2, again.token);
    expect([refused.status, refused.body.errors?.[0]?.code]).toEqual([
      400,
      'already_a_member_in_organization',
    ]);
    expect((await ik.services.organizationInvitations.get(org.id, again.id)).status).toBe('pending');
    expect((await ik.services.users.get(kim.id)).emailAddresses.map((e) => e.emailAddress).sort()).toEqual(
      [kim.emailAddresses[0]!.emailAddress, second].sort(),
    );
  });
});
