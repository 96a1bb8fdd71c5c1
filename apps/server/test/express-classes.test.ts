import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { expressClasses } from '../src/server.js';

describe('expressClasses', () => {
  it("gives Node's request and response the app's prototypes from birth, and Express works on them", async () => {
    const app = express();
    const seen: boolean[] = [];
    app.get('/p/:id', (req, res) => {
      seen.push(
        Object.getPrototypeOf(req) === app.request,
        Object.getPrototypeOf(res) === app.response,
        req instanceof IncomingMessage,
        res instanceof ServerResponse,
      );
      res.status(201).json({ id: req.params.id, q: req.query.q, path: req.path });
    });
    const server = createServer(expressClasses(app), app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/p/7?q=x`);
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ id: '7', q: 'x', path: '/p/7' });
      expect(seen).toEqual([true, true, true, true]);
    } finally {
      server.close();
    }
  });
});
