import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvitekitModule } from '../src/index.js';
import { SECRET_KEY } from './support.js';

// Large imports (Invitekit extension) through the Nest module: the platform parses bodies, so the host
// adds a text/csv parser and a larger limit, as the core README says; the module itself is unchanged.
async function boot(parsers: boolean) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      InvitekitModule.forRoot({
        database: { dataDir: 'memory://' },
        secretKeys: [SECRET_KEY],
        limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
        imports: { pollIntervalMs: 50, emailsPerSecond: 0 },
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  if (parsers) {
    app.useBodyParser('json', { limit: '10mb' });
    app.useBodyParser('text', { type: 'text/csv', limit: '10mb' });
  }
  await app.init();
  return app;
}

describe('imports through the Nest module (Express platform)', () => {
  let app: NestExpressApplication;
  let bare: NestExpressApplication;
  const auth = { authorization: `Bearer ${SECRET_KEY}` };

  beforeAll(async () => {
    app = await boot(true);
    bare = await boot(false);
  });
  afterAll(async () => {
    await app?.close();
    await bare?.close();
  });

  it('takes a CSV body once the host parses text/csv, and reports the import done', async () => {
    const http = () => request(app.getHttpServer());
    const org = await http().post('/invitekit/v1/organizations').set(auth).send({ name: 'Nest' });
    expect(org.status).toBe(200);
    const rows = Array.from({ length: 4_000 }, (_, i) => `n${i}@example.com,org:member`).join('\n');
    const started = await http()
      .post(`/invitekit/v1/organizations/${org.body.id}/invitations/import`)
      .set({ ...auth, 'content-type': 'text/csv' })
      .send(`email,role\n${rows}\n`);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ object: 'invitation_import', total_rows: 4_000 });
    let status = '';
    for (let i = 0; i < 600 && status !== 'completed'; i++) {
      const res = await http()
        .get(`/invitekit/v1/organizations/${org.body.id}/invitations/imports/${started.body.id}`)
        .set(auth);
      status = res.body.status;
      if (status === 'completed') expect(res.body.counts).toMatchObject({ created: 4_000 });
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('completed');
  }, 120_000);

  it('without the host parser a CSV body is not read: a ClerkErrors 400, nothing imported', async () => {
    const org = await request(bare.getHttpServer())
      .post('/invitekit/v1/organizations')
      .set(auth)
      .send({ name: 'Bare' });
    const res = await request(bare.getHttpServer())
      .post(`/invitekit/v1/organizations/${org.body.id}/invitations/import`)
      .set({ ...auth, 'content-type': 'text/csv' })
      .send('email,role\na@example.com,org:member\n');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.code).toBe('malformed_request_body');
  });
});
