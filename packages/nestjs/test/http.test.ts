import { describe, expect, it } from 'vitest';
import { parseQuery, relativePath, sendInvitekitResponse, toInvitekitRequest } from '../src/index.js';
import { PATH_PARAM } from '../src/invitekit.constants.js';

describe('toInvitekitRequest', () => {
  it('keeps the encoded path below the mount point, the query from the URL, the peer address, and the request as raw', () => {
    const req = {
      method: 'POST',
      url: '/api/invitekit/v1/users/user%2F1?status=a&status=b&limit=3&q=a+b',
      headers: { 'x-h': 'v' },
      params: { [PATH_PARAM]: ['v1', 'users', 'user/1'] },
      body: { a: 1 },
      socket: { remoteAddress: '203.0.113.7' },
    };
    expect(toInvitekitRequest(req)).toEqual({
      method: 'POST',
      path: '/v1/users/user%2F1',
      query: { status: ['a', 'b'], limit: '3', q: 'a b' },
      headers: { 'x-h': 'v' },
      body: { a: 1 },
      remoteAddress: '203.0.113.7',
      raw: req,
    });
  });

  it('prefers originalUrl, maps the mount point itself to /, and reads a Fastify-style * parameter', () => {
    expect(
      relativePath({
        method: 'GET',
        url: '/x',
        originalUrl: '/m/healthz',
        headers: {},
        params: { [PATH_PARAM]: ['healthz'] },
      }),
    ).toBe('/healthz');
    expect(relativePath({ method: 'GET', url: '/m', headers: {}, params: {} })).toBe('/');
    expect(
      relativePath({ method: 'GET', url: '/m/v1/users', headers: {}, params: { '*': 'v1/users' } }),
    ).toBe('/v1/users');
    expect(parseQuery('/m')).toEqual({});
  });
});

describe('sendInvitekitResponse', () => {
  const sink = () => {
    const out = { statusCode: 0, headers: {} as Record<string, string>, body: '' };
    return {
      out,
      res: {
        set statusCode(s: number) {
          out.statusCode = s;
        },
        get statusCode() {
          return out.statusCode;
        },
        setHeader: (k: string, v: string) => (out.headers[k] = v),
        end: (b: string) => (out.body = b),
      },
    };
  };

  it('writes status, headers and the JSON body once', () => {
    const { out, res } = sink();
    sendInvitekitResponse(res, { status: 201, headers: { 'x-test': 'yes' }, body: { ok: [1, 2] } });
    expect(out).toEqual({ statusCode: 201, headers: { 'x-test': 'yes' }, body: '{"ok":[1,2]}' });
  });

  it('hijacks a Fastify reply and writes to its raw response', () => {
    const { out, res } = sink();
    let hijacked = false;
    sendInvitekitResponse(
      { raw: res, hijack: () => (hijacked = true) },
      { status: 404, headers: {}, body: null },
    );
    expect(hijacked).toBe(true);
    expect(out).toMatchObject({ statusCode: 404, body: 'null' });
  });
});
