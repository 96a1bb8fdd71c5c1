import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { limitInBytes, readJsonBody } from '../src/json-body.js';

/** An app that answers with what the reader made of the body, or with the error it passed on. */
function echo(limit: string | number = '1kb') {
  const app = express();
  const read = readJsonBody(limit);
  app.post('/', (req, res) => {
    read(req, res, (err?: unknown) => {
      if (err) {
        const e = err as { status: number; type: string };
        return res.status(e.status).json({ error: e.type });
      }
      res.json({ body: req.body ?? null });
    });
  });
  return app;
}

const json = { 'content-type': 'application/json' };

describe('readJsonBody', () => {
  it('reads a plain JSON body, with or without charset and byte order mark, as body-parser would', async () => {
    const app = echo();
    const plain = await request(app).post('/').set(json).send('{"a":[1,"é"]}');
    expect(plain.body).toEqual({ body: { a: [1, 'é'] } });
    const charset = await request(app)
      .post('/')
      .set('content-type', 'Application/JSON; charset="UTF-8"')
      .send('\uFEFF[true]');
    expect(charset.body).toEqual({ body: [true] });
    const empty = await request(app).post('/').set(json).set('content-length', '0').send('');
    expect(empty.body).toEqual({ body: {} });
  });

  it('leaves everything else to body-parser: compressed, chunked, other types, oversize', async () => {
    const app = echo();
    const gzipped = await request(app)
      .post('/')
      .set({ ...json, 'content-encoding': 'gzip' })
      .serialize((b: Buffer) => b as unknown as string) // send the gzipped bytes as they are
      .send(gzipSync('{"zipped":true}'));
    expect(gzipped.body).toEqual({ body: { zipped: true } });
    const text = await request(app).post('/').set('content-type', 'text/plain').send('{"a":1}');
    expect(text.body).toEqual({ body: null });
    const latin1 = await request(app)
      .post('/')
      .set('content-type', 'application/json; charset=latin1')
      .send('{}');
    expect(latin1.status).toBe(415);
    const big = await request(app)
      .post('/')
      .set(json)
      .send(JSON.stringify({ x: 'x'.repeat(2000) }));
    expect(big.body).toEqual({ error: 'entity.too.large' });
  });

  it('refuses malformed JSON and a top level that is not an object or array, as body-parser errors', async () => {
    const app = echo();
    for (const body of ['{"a": nope}', '"just a string"', '  42']) {
      const res = await request(app).post('/').set(json).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'entity.parse.failed' });
    }
  });

  it('reads body-parser sizes', () => {
    expect(limitInBytes('100kb')).toBe(102_400);
    expect(limitInBytes('1.5MB')).toBe(1_572_864);
    expect(limitInBytes(2048)).toBe(2048);
    expect(limitInBytes('512')).toBe(512);
    expect(limitInBytes('lots')).toBeUndefined();
  });
});
