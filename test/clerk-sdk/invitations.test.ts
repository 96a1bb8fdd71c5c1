import type { Invitation } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_KEY } from '../../apps/server/test/harness.js';
import {
  address,
  type ClerkTarget,
  clerkError,
  expectResource,
  startClerkTarget,
} from '../support/clerk-sdk.js';
import { testDatabases } from '../support/databases.js';

// `clerk.invitations.*` (application invitations) through the real @clerk/backend client.

describe.each(testDatabases())('@clerk/backend invitations.* on $name', (kind) => {
  let t: ClerkTarget;
  beforeAll(async () => {
    t = await startClerkTarget(kind);
  });
  afterAll(() => t?.stop());

  const ids = (list: { id: string }[]) => list.map((i) => i.id);

  it('createInvitation returns an Invitation with its accept link, and sends every option Clerk takes', async () => {
    const email = address('app');
    const invitation = await t.clerk.invitations.createInvitation({
      emailAddress: email,
      publicMetadata: { plan: 'pro' },
      redirectUrl: 'https://app.example.com/welcome',
      notify: false,
      expiresInDays: 7,
      templateSlug: 'invitation',
    });
    expectResource(invitation, 'Invitation');
    expect(invitation).toMatchObject({
      emailAddress: email,
      publicMetadata: { plan: 'pro' },
      status: 'pending',
      revoked: false,
    });
    expect(invitation.id).toMatch(/^inv_/);
    expect(invitation.url).toMatch(/^https:\/\/app\.example\.com\/welcome\?invitation_token=/);
    const raw = invitation.raw as { expires_at: number; created_at: number };
    expect(raw.expires_at - raw.created_at).toBe(7 * 24 * 60 * 60 * 1000);

    // waitlist_invitation is Clerk's other template; an unknown slug is a validation error.
    await t.clerk.invitations.createInvitation({
      emailAddress: address('waitlist'),
      templateSlug: 'waitlist_invitation',
    });
    const bad = await clerkError(
      t.clerk.invitations.createInvitation({
        emailAddress: address('bad'),
        templateSlug: 'nope' as 'invitation',
      }),
      422,
      'form_param_value_invalid',
    );
    expect(bad.errors[0]?.meta?.paramName).toBe('template_slug');
  });

  it('refuses a second pending invitation with duplicate_record naming the address, unless ignoreExisting', async () => {
    const email = address('dup');
    const first = await t.clerk.invitations.createInvitation({ emailAddress: email });
    const err = await clerkError(
      t.clerk.invitations.createInvitation({ emailAddress: email.toUpperCase() }),
      400,
      'duplicate_record',
    );
    expect(err.errors[0]?.longMessage).toContain(email);
    expect(err.errors[0]?.meta?.emailAddresses).toEqual([email]);
    expect(err.errors[0]?.meta?.paramName).toBe('email_address');
    expect(err.clerkTraceId).toMatch(/^[0-9a-f]{32}$/);

    // ignore_existing replaces the pending one: the old one is revoked.
    const replaced = await t.clerk.invitations.createInvitation({
      emailAddress: email,
      ignoreExisting: true,
    });
    expect(replaced.id).not.toBe(first.id);
    const { data } = await t.clerk.invitations.getInvitationList({ query: first.id });
    expect(data[0]).toMatchObject({ id: first.id, status: 'revoked', revoked: true });
  });

  it('refuses an address a user owns (form_identifier_exists), unless ignoreExisting on a single create', async () => {
    const email = address('owner');
    await t.clerk.users.createUser({ emailAddress: [email] });
    const err = await clerkError(
      t.clerk.invitations.createInvitation({ emailAddress: email }),
      400,
      'form_identifier_exists',
    );
    expect(err.errors[0]?.longMessage).toContain(email);
    const ok = await t.clerk.invitations.createInvitation({ emailAddress: email, ignoreExisting: true });
    expect(ok.status).toBe('pending');
    // Bulk: an existing user always blocks (as Clerk documents), ignoreExisting or not.
    await clerkError(
      t.clerk.invitations.createInvitationBulk([{ emailAddress: email, ignoreExisting: true }]),
      400,
      'form_identifier_exists',
    );
  });

  it('validates input as ClerkAPIResponseError 422 with the parameter named', async () => {
    const missing = await clerkError(
      t.clerk.invitations.createInvitation({} as { emailAddress: string }),
      422,
      'form_param_missing',
    );
    expect(missing.errors[0]?.meta?.paramName).toBe('email_address');
    const range = await clerkError(
      t.clerk.invitations.createInvitation({ emailAddress: address('x'), expiresInDays: 400 }),
      422,
      'form_param_value_invalid',
    );
    expect(range.errors[0]?.meta?.paramName).toBe('expires_in_days');
  });

  it('createInvitationBulk returns Invitation[] all or nothing; a duplicate names its item', async () => {
    const [a, b] = [address('bulk-a'), address('bulk-b')];
    const created = await t.clerk.invitations.createInvitationBulk([
      { emailAddress: a, publicMetadata: { n: 1 } },
      { emailAddress: b, notify: false },
    ]);
    expect(Array.isArray(created)).toBe(true);
    expect(created).toHaveLength(2);
    for (const i of created) expectResource(i, 'Invitation');
    expect(created.map((i) => i.emailAddress)).toEqual([a, b]);

    const c = address('bulk-c');
    const err = await clerkError(
      t.clerk.invitations.createInvitationBulk([
        { emailAddress: c },
        { emailAddress: a },
        { emailAddress: b },
      ]),
      400,
      'duplicate_record',
    );
    // Every address already invited is named; the first item at fault is meta.index (not read by the SDK).
    expect(err.errors[0]?.meta?.emailAddresses).toEqual([a, b]);
    expect(err.errors[0]?.longMessage).toContain(`${a}, ${b}`);
    const { data } = await t.clerk.invitations.getInvitationList({ query: c });
    expect(data).toHaveLength(0);

    const repeated = await clerkError(
      t.clerk.invitations.createInvitationBulk([{ emailAddress: c }, { emailAddress: c }]),
      400,
      'duplicate_record',
    );
    expect(repeated.errors[0]?.meta?.emailAddresses).toEqual([c]);

    const tooMany = Array.from({ length: 11 }, (_, i) => ({ emailAddress: address(`many${i}`) }));
    await clerkError(t.clerk.invitations.createInvitationBulk(tooMany), 422, 'form_param_value_invalid');
  });

  it('revokeInvitation returns the revoked Invitation; a second revoke is invitation_not_pending; unknown ids 404', async () => {
    const invitation = await t.clerk.invitations.createInvitation({ emailAddress: address('rev') });
    const revoked = await t.clerk.invitations.revokeInvitation(invitation.id);
    expectResource(revoked, 'Invitation');
    expect(revoked).toMatchObject({ id: invitation.id, status: 'revoked', revoked: true });
    expect(revoked.url).toBeUndefined();
    const again = await clerkError(
      t.clerk.invitations.revokeInvitation(invitation.id),
      400,
      'invitation_not_pending',
    );
    expect(again.errors[0]?.meta).toBeDefined();
    await clerkError(t.clerk.invitations.revokeInvitation('inv_missing'), 404, 'resource_not_found');
  });

  describe('getInvitationList', () => {
    // A world of its own: five invitations under one marker, two revoked.
    const marker = `list${Date.now().toString(36)}`;
    let made: Invitation[] = [];
    beforeAll(async () => {
      made = [];
      for (const [label, days] of [
        ['c', 20],
        ['a', 5],
        ['e', 10],
        ['b', 30],
        ['d', 1],
      ] as const) {
        made.push(
          await t.clerk.invitations.createInvitation({
            emailAddress: `${marker}-${label}@example.com`,
            expiresInDays: days,
            notify: false,
          }),
        );
      }
      await t.clerk.invitations.revokeInvitation(made[1]!.id); // a
      await t.clerk.invitations.revokeInvitation(made[4]!.id); // d
    });
    const emails = (list: Invitation[]) => list.map((i) => i.emailAddress.slice(marker.length + 1, -12));

    it('answers { data, totalCount } of Invitation resources, newest first by default', async () => {
      const page = await t.clerk.invitations.getInvitationList({ query: marker });
      expect(page.totalCount).toBe(5);
      for (const i of page.data) expectResource(i, 'Invitation');
      expect(ids(page.data)).toEqual(ids([...made].reverse()));
    });

    it('filters by status', async () => {
      const pending = await t.clerk.invitations.getInvitationList({ query: marker, status: 'pending' });
      expect(pending.totalCount).toBe(3);
      expect(emails(pending.data).sort()).toEqual(['b', 'c', 'e']);
      const revoked = await t.clerk.invitations.getInvitationList({ query: marker, status: 'revoked' });
      expect(emails(revoked.data).sort()).toEqual(['a', 'd']);
      const accepted = await t.clerk.invitations.getInvitationList({ query: marker, status: 'accepted' });
      expect(accepted).toEqual({ data: [], totalCount: 0 });
    });

    it('matches query against an email address (any case, any part) or an exact id', async () => {
      const byEmail = await t.clerk.invitations.getInvitationList({ query: `${marker}-E@EXAMPLE` });
      expect(emails(byEmail.data)).toEqual(['e']);
      const byId = await t.clerk.invitations.getInvitationList({ query: made[3]!.id });
      expect(byId.totalCount).toBe(1);
      expect(byId.data[0]?.id).toBe(made[3]!.id);
      // Wildcards are literal.
      const literal = await t.clerk.invitations.getInvitationList({ query: `${marker}%` });
      expect(literal.totalCount).toBe(0);
    });

    it('orders by created_at, email_address and expires_at, both ways', async () => {
      const list = (orderBy: Parameters<typeof t.clerk.invitations.getInvitationList>[0]) =>
        t.clerk.invitations.getInvitationList({ query: marker, ...orderBy }).then((p) => emails(p.data));
      expect(await list({ orderBy: 'created_at' })).toEqual(['c', 'a', 'e', 'b', 'd']);
      expect(await list({ orderBy: '+created_at' })).toEqual(['c', 'a', 'e', 'b', 'd']);
      expect(await list({ orderBy: '-created_at' })).toEqual(['d', 'b', 'e', 'a', 'c']);
      expect(await list({ orderBy: 'email_address' })).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await list({ orderBy: '-email_address' })).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await list({ orderBy: 'expires_at' })).toEqual(['d', 'a', 'e', 'c', 'b']);
      expect(await list({ orderBy: '-expires_at' })).toEqual(['b', 'c', 'e', 'a', 'd']);
      const bad = await clerkError(
        t.clerk.invitations.getInvitationList({ orderBy: 'status' as 'created_at' }),
        422,
        'form_param_value_invalid',
      );
      expect(bad.errors[0]?.meta?.paramName).toBe('order_by');
    });

    it('pages with limit and offset; totalCount counts every match; offset 0 is never sent', async () => {
      const first = await t.clerk.invitations.getInvitationList({
        query: marker,
        orderBy: 'email_address',
        limit: 2,
        offset: 0,
      });
      expect(first.totalCount).toBe(5);
      expect(emails(first.data)).toEqual(['a', 'b']);
      const second = await t.clerk.invitations.getInvitationList({
        query: marker,
        orderBy: 'email_address',
        limit: 2,
        offset: 2,
      });
      expect(emails(second.data)).toEqual(['c', 'd']);
      const last = await t.clerk.invitations.getInvitationList({
        query: marker,
        orderBy: 'email_address',
        limit: 2,
        offset: 4,
      });
      expect(emails(last.data)).toEqual(['e']);
      expect(last.totalCount).toBe(5);
      await clerkError(
        t.clerk.invitations.getInvitationList({ limit: 501 }),
        422,
        'form_param_value_invalid',
      );
    });

    it('without paginated=true (any other client) the same list is a bare array', async () => {
      const res = await fetch(`${t.server.url}/v1/invitations?query=${marker}&order_by=email_address`, {
        headers: { authorization: `Bearer ${SECRET_KEY}` },
      });
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = (await res.json()) as { email_address: string }[];
      expect(Array.isArray(body)).toBe(true);
      expect(body.map((i) => i.email_address)).toEqual(
        ['a', 'b', 'c', 'd', 'e'].map((l) => `${marker}-${l}@example.com`),
      );
    });
  });

  it('deleteInvitation erases an invitation of any status with its history, answering a DeletedObject', async () => {
    const pending = await t.clerk.invitations.createInvitation({ emailAddress: address('del') });
    const revoked = await t.clerk.invitations.createInvitation({ emailAddress: address('del-rev') });
    await t.clerk.invitations.revokeInvitation(revoked.id);
    const history = (invitation: Invitation) =>
      t.server.invitekit.database.run<{ events: number; messages: number }>(
        {
          name: 'test_deleted_invitation_history',
          text: `SELECT (SELECT count(*) FROM invitation_events WHERE invitation_id = $1)::int AS events,
                        (SELECT count(*) FROM outbox WHERE target = $2)::int AS messages`,
        },
        [invitation.id, invitation.emailAddress],
      );
    for (const invitation of [pending, revoked]) {
      const [before] = await history(invitation);
      expect(before!.events).toBeGreaterThan(0);
      expect(before!.messages).toBe(1); // its invitation email
      const deleted = await t.clerk.invitations.deleteInvitation(invitation.id);
      expectResource(deleted, 'DeletedObject');
      expect(deleted).toMatchObject({ id: invitation.id, object: 'invitation', deleted: true });
      const { data } = await t.clerk.invitations.getInvitationList({ query: invitation.id });
      expect(data).toEqual([]);
      // Its history (events, and the stored emails with them) is gone too.
      const events = await t.server.call(null, 'GET', `/v1/invitations/${invitation.id}/events`);
      expect(events.status).toBe(404);
      expect(await history(invitation)).toEqual([{ events: 0, messages: 0 }]);
    }
    // The address may be invited again.
    const again = await t.clerk.invitations.createInvitation({ emailAddress: pending.emailAddress });
    expect(again.status).toBe('pending');
    await clerkError(t.clerk.invitations.deleteInvitation(pending.id), 404, 'resource_not_found');
  });
});
