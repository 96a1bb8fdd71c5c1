import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { createInvitekit, type Invitekit } from '@invitekit/core';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientError, invitekitRouter } from '../src/index.js';

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

  it('on errors Node’s HTTP parser raises before Express runs (oversized headers)', async () => {
    const server = createServer(app).on('clientError', answerClientError);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
        let out = '';
        socket.on('data', (d) => {
          out += d;
        });
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
        socket.write(`GET /ik/healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(40_000)}\r\n\r\n`);
      });
      const [head] = raw.split('\r\n\r\n');
      const lines = head!.split('\r\n');
      expect(lines[0]).toMatch(/^HTTP\/1\.1 431 /);
      const headers = Object.fromEntries(
        lines
          .slice(1)
          .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      expectSecurityHeaders(headers);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
