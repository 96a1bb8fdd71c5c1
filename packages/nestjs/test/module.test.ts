import type { Invitekit } from '@invitekit/core';
import { type INestApplication, Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestDatabase, testDatabases } from '../../../test/support/databases.js';
import {
  INVITEKIT,
  INVITEKIT_SERVICES,
  InjectInvitekit,
  InvitekitModule,
  InvitekitService,
} from '../src/index.js';
import { bootApp, call, SECRET_KEY } from './support.js';

const PREFIX = '/api/invitekit';

/** A host provider, injected the three ways a Nest user would. */
@Injectable()
class HostInvites {
  constructor(
    @Inject(InvitekitService) readonly byClass: InvitekitService,
    @InjectInvitekit() readonly instance: Invitekit,
    @Inject(INVITEKIT_SERVICES) readonly services: Invitekit['services'],
  ) {}

  invite(organizationId: string, email: string, inviterUserId: string) {
    return this.byClass.organizationInvitations.create(organizationId, {
      emailAddress: email,
      role: 'org:member',
      inviterUserId,
    });
  }
}

describe.each(testDatabases())('InvitekitModule on $name', (kind) => {
  let db: TestDatabase;
  let app: INestApplication;
  let invitekit: Invitekit;
  let orgId: string;
  let adminId: string;

  beforeAll(async () => {
    db = await kind.create();
    app = await bootApp(
      {
        imports: [
          InvitekitModule.forRoot({
            database: db.config,
            secretKeys: [SECRET_KEY],
            // The signed-in person, as a host's middleware would have established them.
            resolveUser: (req: { headers: Record<string, string | undefined> }) =>
              req.headers['x-user-id']
                ? {
                    id: req.headers['x-user-id'],
                    emailAddresses: [{ emailAddress: req.headers['x-user-email'] ?? '', verified: true }],
                  }
                : null,
          }),
        ],
        providers: [HostInvites],
      },
      { globalPrefix: 'api' },
    );
    invitekit = app.get(INVITEKIT);
    const admin = await call(app, 'CreateUser', 'POST', `${PREFIX}/v1/users`, {
      email_address: ['admin@example.com'],
      first_name: 'Ada',
    });
    adminId = admin.body.id;
    const org = await call(app, 'CreateOrganization', 'POST', `${PREFIX}/v1/organizations`, {
      name: 'Acme',
      created_by: adminId,
    });
    orgId = org.body.id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('boots in a testing module on the configured database', async () => {
    expect(invitekit.database.driver).toBe(kind.name === 'pglite' ? 'pglite' : 'postgres');
    const health = await request(app.getHttpServer()).get(`${PREFIX}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: invitekit.database.driver });
  });

  it('creates, lists and revokes organization invitations through the Nest HTTP server', async () => {
    const created = await call(
      app,
      'CreateOrganizationInvitation',
      'POST',
      `${PREFIX}/v1/organizations/${orgId}/invitations`,
      { email_address: 'Bob@Example.com', role: 'org:member', inviter_user_id: adminId },
    );
    expect(created.status).toBe(200);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    expect(created.body).toMatchObject({ email_address: 'bob@example.com', status: 'pending' });

    const listed = await call(
      app,
      'ListOrganizationInvitations',
      'GET',
      `${PREFIX}/v1/organizations/${orgId}/invitations?status=pending&status=accepted&limit=10`,
    );
    expect(listed.body.data.map((i: { id: string }) => i.id)).toContain(created.body.id);
    expect(listed.body.total_count).toBe(listed.body.data.length);

    const revoked = await call(
      app,
      'RevokeOrganizationInvitation',
      'POST',
      `${PREFIX}/v1/organizations/${orgId}/invitations/${created.body.id}/revoke`,
      { requesting_user_id: adminId },
    );
    expect(revoked.body).toMatchObject({ id: created.body.id, status: 'revoked' });

    const pending = await call(
      app,
      'ListPendingOrganizationInvitations',
      'GET',
      `${PREFIX}/v1/organizations/${orgId}/invitations/pending`,
    );
    expect(pending.body.data.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
  });

  it('answers errors from core in ClerkErrors form: auth, validation, unknown routes, methods', async () => {
    const noKey = await call(app, null, 'GET', `${PREFIX}/v1/organizations`, undefined, {});
    expect(noKey.status).toBe(401);
    const wrongKey = await call(app, null, 'GET', `${PREFIX}/v1/organizations`, undefined, {
      authorization: 'Bearer sk_wrong',
    });
    expect(wrongKey.body.errors[0].code).toBe('authentication_invalid');
    const invalid = await call(app, null, 'POST', `${PREFIX}/v1/organizations/${orgId}/invitations`, {
      email_address: 'not an email',
      role: 'org:member',
    });
    expect(invalid.status).toBe(422);
    const unknown = await call(app, null, 'GET', `${PREFIX}/v1/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].code).toBe('resource_not_found');
    const method = await call(app, null, 'DELETE', `${PREFIX}/v1/organizations/${orgId}/invitations`);
    expect(method.status).toBe(405);
    expect(method.headers.allow?.split(', ').sort()).toEqual(['GET', 'POST']);
  });

  it('maps body-parser failures under its path to ClerkErrors, and leaves the rest of the app alone', async () => {
    const malformed = await request(app.getHttpServer())
      .post(`${PREFIX}/v1/organizations`)
      .set('authorization', `Bearer ${SECRET_KEY}`)
      .set('content-type', 'application/json')
      .send('{"name": nope}');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].code).toBe('malformed_request_body');
    const big = await request(app.getHttpServer())
      .post(`${PREFIX}/v1/organizations`)
      .set('authorization', `Bearer ${SECRET_KEY}`)
      .send({ name: 'x'.repeat(200_000) });
    expect(big.status).toBe(413);
    expect(big.body.errors[0].code).toBe('request_body_too_large');
    // Outside the mount path Nest answers as it always does.
    const elsewhere = await request(app.getHttpServer())
      .post('/api/other')
      .set('content-type', 'application/json')
      .send('{"name": nope}');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject({ statusCode: 400 });
  });

  it('gives host providers the instance and its services, by class and by token', async () => {
    const host = app.get(HostInvites);
    expect(host.instance).toBe(invitekit);
    expect(host.byClass.instance).toBe(invitekit);
    expect(host.services).toBe(invitekit.services);
    expect(host.byClass.organizations).toBe(invitekit.services.organizations);

    const invitation = await host.invite(orgId, 'carol@example.com', adminId);
    const got = await call(
      app,
      'GetOrganizationInvitation',
      'GET',
      `${PREFIX}/v1/organizations/${orgId}/invitations/${invitation.id}`,
    );
    expect(got.body).toMatchObject({ email_address: 'carol@example.com', inviter_id: adminId });
  });

  it('accepts an invitation through the Frontend API, signed in through resolveUser', async () => {
    const invitee = await call(app, 'CreateUser', 'POST', `${PREFIX}/v1/users`, {
      email_address: ['dora@example.com'],
    });
    const created = await call(
      app,
      'CreateOrganizationInvitation',
      'POST',
      `${PREFIX}/v1/organizations/${orgId}/invitations`,
      { email_address: 'dora@example.com', role: 'org:member', inviter_user_id: adminId },
    );
    const path = `${PREFIX}/frontend/v1/me/organization_invitations/${created.body.id}/accept`;
    const dora = { 'x-user-id': invitee.body.id, 'x-user-email': 'dora@example.com' };

    const anonymous = await call(app, null, 'POST', path, undefined, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].code).toBe('authentication_invalid');
    const someoneElse = await call(app, null, 'POST', path, undefined, {
      'x-user-id': 'user_eve',
      'x-user-email': 'eve@example.com',
    });
    expect(someoneElse.status).toBeGreaterThanOrEqual(400);

    // The Frontend API's response as Clerk's FAPI describes it (the contract knows it once core serves it).
    const accepted = await call(app, 'acceptOrganizationInvitation', 'POST', path, undefined, dora);
    expect(accepted.status).toBe(200);
    expect(accepted.body.response).toMatchObject({ id: created.body.id, status: 'accepted' });
    const again = await call(app, null, 'POST', path, undefined, dora);
    expect(again.status).toBeGreaterThanOrEqual(400);

    const got = await call(
      app,
      'GetOrganizationInvitation',
      'GET',
      `${PREFIX}/v1/organizations/${orgId}/invitations/${created.body.id}`,
    );
    expect(got.body.status).toBe('accepted');
    const members = await call(
      app,
      'ListOrganizationMemberships',
      'GET',
      `${PREFIX}/v1/organizations/${orgId}/memberships`,
    );
    expect(
      members.body.data.map((m: { public_user_data: { user_id: string } }) => m.public_user_data.user_id),
    ).toContain(invitee.body.id);
  });
});

describe('InvitekitModule registration', () => {
  it('registers globally with isGlobal: a module that does not import it can inject the service', async () => {
    @Injectable()
    class Consumer {
      constructor(@Inject(InvitekitService) readonly invitekit: InvitekitService) {}
    }
    @Module({ providers: [Consumer], exports: [Consumer] })
    class FeatureModule {}

    const app = await bootApp({
      imports: [
        InvitekitModule.forRoot({ database: { dataDir: 'memory://' }, isGlobal: true, path: false }),
        FeatureModule,
      ],
    });
    try {
      expect(app.get(Consumer).invitekit.instance).toBe(app.get(INVITEKIT));
      // path: false mounts no controller.
      expect((await request(app.getHttpServer()).get('/invitekit/healthz')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('without isGlobal, only importers can inject it', async () => {
    @Injectable()
    class Consumer {
      constructor(@Inject(InvitekitService) readonly invitekit: InvitekitService) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}
    await expect(
      bootApp({
        imports: [InvitekitModule.forRoot({ database: { dataDir: 'memory://' } }), FeatureModule],
      }),
    ).rejects.toThrow(/InvitekitService/);
  });

  it('mounts under the default path `invitekit`', async () => {
    const app = await bootApp({ imports: [InvitekitModule.forRoot({ database: { dataDir: 'memory://' } })] });
    try {
      const res = await request(app.getHttpServer()).get('/invitekit/healthz');
      expect(res.body).toEqual({ status: 'ok', database: 'pglite' });
    } finally {
      await app.close();
    }
  });

  it('works in a standalone application context (a worker without HTTP)', async () => {
    @Module({ imports: [InvitekitModule.forRoot({ database: { dataDir: 'memory://' } })] })
    class WorkerModule {}
    const context = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    const invitekit = context.get(InvitekitService);
    const org = await invitekit.organizations.create({ name: 'Worker' });
    expect((await invitekit.organizations.get(org.id)).name).toBe('Worker');
    await context.close();
    await expect(invitekit.instance.database.ping()).rejects.toThrow();
  });

  it('starts background work once the application has bootstrapped, and stops it on close', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [InvitekitModule.forRoot({ database: { dataDir: 'memory://' } })],
    }).compile();
    const invitekit = moduleRef.get<Invitekit>(INVITEKIT);
    const start = vi.spyOn(invitekit, 'start');
    const close = vi.spyOn(invitekit, 'close');
    const app = moduleRef.createNestApplication({ logger: false });
    expect(start).not.toHaveBeenCalled();
    await app.init();
    expect(start).toHaveBeenCalledTimes(1);
    expect(close).not.toHaveBeenCalled();
    await app.close();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('closes the database on app.close(), through onApplicationShutdown', async () => {
    const app = await bootApp({ imports: [InvitekitModule.forRoot({ database: { dataDir: 'memory://' } })] });
    const invitekit = app.get<Invitekit>(INVITEKIT);
    await invitekit.database.ping();
    await app.close();
    await expect(invitekit.database.ping()).rejects.toThrow();
  });
});
