import type { Server } from 'node:http';
import type { Invitekit } from '@invitekit/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertClerkErrors, assertContract } from '../../../test/support/contract.js';
import { type TestDatabase, testDatabases } from '../../../test/support/databases.js';
import { createExampleApp } from '../src/app.js';

const SECRET_KEY = 'sk_express_example_test';

describe.each(testDatabases())('express-example on $name', (kind) => {
  let db: TestDatabase;
  let server: Server;
  let invitekit: Invitekit;
  const links: string[] = [];

  beforeAll(async () => {
    db = await kind.create();
    const created = await createExampleApp({
      invitekit: {
        database: db.config,
        secretKeys: [SECRET_KEY],
        log: (_level, message) => void links.push(message),
        delivery: { pollIntervalMs: 50 },
      },
      sessionSecret: 'test-session-secret',
    });
    invitekit = created.invitekit;
    invitekit.start();
    // A real HTTP server on a free port; the agents below keep each person's session cookie.
    server = created.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await invitekit?.close();
    await db?.drop();
  });

  const signIn = async (email: string, password: string) => {
    const agent = request.agent(server);
    const res = await agent.post('/login').send({ email, password });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']?.[0]).toMatch(/^app\.sid=.*HttpOnly/);
    return agent;
  };

  it('keeps its own sign-in and rules in front of its invite route', async () => {
    expect(
      (await request(server).post('/login').send({ email: 'ada@acme.test', password: 'nope' })).status,
    ).toBe(401);
    expect((await request(server).post('/orgs/acme/invites').send({ email: 'x@example.com' })).status).toBe(
      401,
    );
    const bob = await signIn('bob@acme.test', 'bob-password');
    const notAdmin = await bob.post('/orgs/acme/invites').send({ email: 'x@example.com' });
    expect(notAdmin.status).toBe(403);
    expect((await bob.post('/orgs/nope/invites').send({ email: 'x@example.com' })).status).toBe(404);
  });

  it('invites from its own route through the service API, and the email goes out', async () => {
    const ada = await signIn('ada@acme.test', 'ada-password');
    const res = await ada.post('/orgs/acme/invites').send({ email: 'Carol@Example.com' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'carol@example.com', status: 'pending' });
    const pending = await ada.get('/orgs/acme/invites');
    expect(pending.body).toEqual([{ id: res.body.id, email: 'carol@example.com', role: 'org:member' }]);
    // An Invitekit rule met by the app's route comes back as core's ClerkErrors.
    const duplicate = await ada.post('/orgs/acme/invites').send({ email: 'carol@example.com' });
    expect(duplicate.status).toBe(400);
    assertClerkErrors(duplicate.body);
    expect(duplicate.body.errors[0]?.code).toBe('duplicate_record');
    const bad = await ada.post('/orgs/acme/invites').send({ email: 'not-an-address' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    assertClerkErrors(bad.body);
    // start() runs delivery: the development mailer logs the accept link.
    await expect
      .poll(() => links.join('\n'), { timeout: 10_000 })
      .toMatch(/invitation email to carol@example\.com/);
  });

  it("serves Invitekit's Backend API under /invitekit, with the secret key", async () => {
    const orgs = await request(server)
      .get('/invitekit/v1/organizations')
      .set('authorization', `Bearer ${SECRET_KEY}`);
    expect(orgs.status).toBe(200);
    assertContract('ListOrganizations', 200, orgs.body);
    expect(orgs.body.data.map((o: { slug: string }) => o.slug)).toEqual(['acme']);
    const anonymous = await request(server).get('/invitekit/v1/organizations');
    expect(anonymous.status).toBe(401);
    assertClerkErrors(anonymous.body);
  });

  it("lets the invitee accept through the Frontend API, signed in by the app's session", async () => {
    const ada = await signIn('ada@acme.test', 'ada-password');
    const invited = await ada.post('/orgs/acme/invites').send({ email: 'bob@acme.test' });
    expect(invited.status).toBe(201);

    const signedOut = await request(server).get('/invitekit/frontend/v1/me/organization_invitations');
    expect(signedOut.status).toBe(401);
    assertClerkErrors(signedOut.body);

    const bob = await signIn('bob@acme.test', 'bob-password');
    const mine = await bob.get('/invitekit/frontend/v1/me/organization_invitations');
    expect(mine.status).toBe(200);
    const invitations = mine.body.response.data as {
      id: string;
      public_organization_data: { id: string; name: string };
    }[];
    expect(invitations.map((i) => i.id)).toEqual([invited.body.id]);
    expect(invitations[0]?.public_organization_data.name).toBe('Acme');
    const accepted = await bob.post(
      `/invitekit/frontend/v1/me/organization_invitations/${invited.body.id}/accept`,
    );
    expect(accepted.status).toBe(200);

    const members = await request(server)
      .get(`/invitekit/v1/organizations/${invitations[0]?.public_organization_data.id}/memberships`)
      .set('authorization', `Bearer ${SECRET_KEY}`);
    expect(members.status).toBe(200);
    const emails = members.body.data.map(
      (m: { public_user_data: { identifier: string } }) => m.public_user_data.identifier,
    );
    expect(emails.sort()).toEqual(['ada@acme.test', 'bob@acme.test']);
    // After logging out, the session no longer signs Bob in.
    expect((await bob.post('/logout')).status).toBe(204);
    expect((await bob.get('/invitekit/frontend/v1/me/organization_invitations')).status).toBe(401);
  });
});
