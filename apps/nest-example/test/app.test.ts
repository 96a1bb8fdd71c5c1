import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertClerkErrors, assertContract } from '../../../test/support/contract.js';
import { type TestDatabase, testDatabases } from '../../../test/support/databases.js';
import { AppModule } from '../src/app-module.js';

const SECRET_KEY = 'sk_nest_example_test';
const ada = { authorization: 'Bearer session-ada' };
const bob = { authorization: 'Bearer session-bob' };

describe.each(testDatabases())('nest-example on $name', (kind) => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await kind.create();
    // The app reads its configuration from the environment through ConfigService, as in production.
    vi.stubEnv('DATABASE_URL', 'url' in db.config && db.config.url ? db.config.url : '');
    vi.stubEnv('INVITEKIT_DATA_DIR', 'memory://');
    vi.stubEnv('INVITEKIT_SECRET_KEY', SECRET_KEY);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.setGlobalPrefix('api');
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    vi.unstubAllEnvs();
  });

  it("invites through the host's own service, which calls the injected InvitekitService", async () => {
    const res = await request(app.getHttpServer())
      .post('/api/orgs/acme/invites')
      .set(ada)
      .send({ email: 'Carol@Example.com' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'carol@example.com', status: 'pending' });
    expect(res.body.id).toMatch(/^orginv_/);

    const pending = await request(app.getHttpServer()).get('/api/orgs/acme/invites').set(ada);
    expect(pending.body).toEqual([{ id: res.body.id, email: 'carol@example.com', role: 'org:member' }]);
  });

  it('keeps its own rules in front: only admins invite, only signed-in users', async () => {
    const notAdmin = await request(app.getHttpServer())
      .post('/api/orgs/acme/invites')
      .set(bob)
      .send({ email: 'dave@example.com' });
    expect(notAdmin.status).toBe(403);
    const anonymous = await request(app.getHttpServer())
      .post('/api/orgs/acme/invites')
      .send({ email: 'dave@example.com' });
    expect(anonymous.status).toBe(401);
  });

  it("shows Invitekit's Backend API under its prefix, with the secret key", async () => {
    const auth = { authorization: `Bearer ${SECRET_KEY}` };
    const orgs = await request(app.getHttpServer()).get('/api/invitekit/v1/organizations').set(auth);
    expect(orgs.status).toBe(200);
    assertContract('ListOrganizations', 200, orgs.body);
    const acme = orgs.body.data.find((o: { slug: string }) => o.slug === 'acme');
    expect(acme).toBeDefined();

    const invited = await request(app.getHttpServer())
      .get(`/api/invitekit/v1/organizations/${acme.id}/invitations?status=pending`)
      .set(auth);
    assertContract('ListOrganizationInvitations', 200, invited.body);
    expect(invited.body.data[0]).toMatchObject({
      email_address: 'carol@example.com',
      public_metadata: { invitedFrom: 'nest-example' },
      public_inviter_data: { identifier: 'ada@acme.test' },
    });

    const revoked = await request(app.getHttpServer())
      .post(`/api/invitekit/v1/organizations/${acme.id}/invitations/${invited.body.data[0].id}/revoke`)
      .set(auth);
    expect(revoked.status).toBe(200);
    assertContract('RevokeOrganizationInvitation', 200, revoked.body);
    expect(revoked.body.status).toBe('revoked');
  });

  it('lets the invitee accept through the Frontend API, signed in by the host', async () => {
    const invited = await request(app.getHttpServer())
      .post('/api/orgs/acme/invites')
      .set(ada)
      .send({ email: 'bob@acme.test' });
    expect(invited.status).toBe(201);
    // Without a session, the Frontend API answers 401 itself (ClerkErrors).
    const anonymous = await request(app.getHttpServer()).get(
      '/api/invitekit/frontend/v1/me/organization_invitations',
    );
    expect(anonymous.status).toBe(401);
    assertClerkErrors(anonymous.body);
    // Bob, signed in by SessionGuard and resolved by resolveUser, sees and accepts it.
    const mine = await request(app.getHttpServer())
      .get('/api/invitekit/frontend/v1/me/organization_invitations')
      .set(bob);
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.body)).toContain(invited.body.id);
    const accepted = await request(app.getHttpServer())
      .post(`/api/invitekit/frontend/v1/me/organization_invitations/${invited.body.id}/accept`)
      .set(bob);
    expect(accepted.status).toBe(200);
    expect(accepted.body.response).toMatchObject({ id: invited.body.id, status: 'accepted' });
    const pending = await request(app.getHttpServer()).get('/api/orgs/acme/invites').set(ada);
    expect(pending.body.map((i: { id: string }) => i.id)).not.toContain(invited.body.id);
  });
});
