import { createInvitekit, type Invitekit } from '@invitekit/core';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitekitRouter } from '../src/index.js';

const auth = { authorization: 'Bearer sk_headers' };

/** What every Invitekit response carries, success or error. */
function expectSecurityHeaders(headers: Record<string, unknown>) {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['content-security-policy']).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
  expect(headers['content-security-policy']).toMatch(/(^|;\s*)default-src 'none'(;|$)/);
  expect(headers['content-type']).toMatch(/^application\/json/);
}

describe('security headers through Express', () => {
  let invitekit: Invitekit;
  let app: express.Express;

  beforeAll(async () => {
    invitekit = await createInvitekit({ database: { dataDir: 'memory://' }, secretKeys: ['sk_headers'] });
    app = express();
    app.use('/ik', invitekitRouter(invitekit, { bodyLimit: '1kb' }));
  });
  afterAll(() => invitekit.close());

  it('on successes, errors of every kind, and body-parser failures', async () => {
    const responses = [
      await request(app).post('/ik/v1/organizations').set(auth).send({ name: 'Headers' }),
      await request(app).get('/ik/v1/organizations').set(auth),
      await request(app).get('/ik/healthz'),
      await request(app).get('/ik/v1/organizations'),
      await request(app).get('/ik/v1/nowhere').set(auth),
      await request(app).delete('/ik/v1/organizations').set(auth),
      await request(app).post('/ik/v1/organizations').set(auth).send({ name: 7 }),
      await request(app)
        .post('/ik/v1/organizations')
        .set(auth)
        .set('content-type', 'application/json')
        .send('{"x'),
      await request(app)
        .post('/ik/v1/organizations')
        .set(auth)
        .send({ name: 'x'.repeat(2000) }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 401, 404, 405, 422, 400, 413]);
    for (const res of responses) expectSecurityHeaders(res.headers);
  });
});
