import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvitekitModule } from '../src/index.js';
import { bootApp, SECRET_KEY } from './support.js';

describe('security headers through NestJS', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootApp({
      imports: [InvitekitModule.forRoot({ database: { dataDir: 'memory://' }, secretKeys: [SECRET_KEY] })],
    });
  });
  afterAll(() => app?.close());

  it('on successes and errors, from core’s responses', async () => {
    const server = app.getHttpServer();
    const auth = { authorization: `Bearer ${SECRET_KEY}` };
    const responses = [
      await request(server).post('/invitekit/v1/organizations').set(auth).send({ name: 'Nest headers' }),
      await request(server).get('/invitekit/v1/organizations'),
      await request(server).get('/invitekit/v1/nowhere').set(auth),
      await request(server).post('/invitekit/v1/organizations').set(auth).send({ name: 7 }),
      await request(server)
        .post('/invitekit/v1/organizations')
        .set(auth)
        .set('content-type', 'application/json')
        .send('{"x'),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 404, 422, 400]);
    for (const res of responses) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });
});
