import type { AddressInfo } from 'node:net';
import { createInvitekit, type Invitekit } from '@invitekit/core';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitekitRouter, sendInvitekitResponse, toInvitekitRequest } from '../src/index.js';

const auth = { authorization: 'Bearer sk_express' };

describe('invitekitRouter', () => {
  let invitekit: Invitekit;
  let app: express.Express;

  beforeAll(async () => {
    invitekit = await createInvitekit({ database: { dataDir: 'memory://' }, secretKeys: ['sk_express'] });
    app = express();
    app.use('/auth/invitekit', invitekitRouter(invitekit, { bodyLimit: '2kb' }));
    app.get('/host-route', (_req, res) => {
      res.json({ host: true });
    });
  });
  afterAll(() => invitekit.close());

  it('serves core routes under its mount path, which core never sees', async () => {
    const created = await request(app)
      .post('/auth/invitekit/v1/organizations')
      .set(auth)
      .send({ name: 'Mounted' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: 'organization', name: 'Mounted' });
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    const listed = await request(app).get('/auth/invitekit/v1/organizations?limit=1').set(auth);
    expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([created.body.id]);
    expect((await request(app).get('/v1/organizations').set(auth)).status).toBe(404);
    expect((await request(app).get('/host-route')).body).toEqual({ host: true });
  });

  it('maps body-parser failures to ClerkErrors: malformed JSON 400, oversize 413', async () => {
    const malformed = await request(app)
      .post('/auth/invitekit/v1/organizations')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"name": nope}');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].code).toBe('malformed_request_body');
    const big = await request(app)
      .post('/auth/invitekit/v1/organizations')
      .set(auth)
      .send({ name: 'x'.repeat(4000) });
    expect(big.status).toBe(413);
    expect(big.body.errors[0].code).toBe('request_body_too_large');
  });

  it('hands core a plain request and writes its plain response back', async () => {
    const seen: unknown[] = [];
    const probe = express();
    probe.use(express.json());
    probe.post('/p/:rest', (req, res) => {
      seen.push(toInvitekitRequest(req));
      sendInvitekitResponse(res, { status: 201, headers: { 'x-test': 'yes' }, body: { ok: [1, 2] } });
    });
    const res = await request(probe).post('/p/x?status=a&status=b&limit=3').set('x-h', 'v').send({ a: 1 });
    expect(res.status).toBe(201);
    expect(res.headers['x-test']).toBe('yes');
    expect(JSON.parse(res.text)).toEqual({ ok: [1, 2] });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: '/p/x',
      query: { status: ['a', 'b'], limit: '3' },
      body: { a: 1 },
      headers: expect.objectContaining({ 'x-h': 'v' }),
      remoteAddress: expect.stringContaining('127.0.0.1'),
    });
  });

  it('works over a real listening server', async () => {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/auth/invitekit/healthz`);
      expect(await res.json()).toEqual({ status: 'ok', database: 'pglite' });
    } finally {
      server.close();
    }
  });
});
