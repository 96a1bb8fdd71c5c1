import { Controller, type Type } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { relativePath } from '../src/index.js';
import { fastifyBodyError, isExpress4, routeForPlatform } from '../src/invitekit.platform.js';

describe('platforms', () => {
  it('fails at boot on a platform it cannot route on, naming the supported ones', () => {
    @Controller('x')
    class C {
      handle() {}
    }
    expect(() => routeForPlatform(C as Type, 'koa')).toThrow(
      '@invitekit/nestjs: the "koa" HTTP platform is not supported; use @nestjs/platform-express or @nestjs/platform-fastify',
    );
  });

  it("tells Express 4 (NestJS 10) by its throwing app.router, and reads its catch-all's params[0]", () => {
    const express4 = Object.defineProperty({}, 'router', {
      get() {
        throw new Error("'app.router' is deprecated!");
      },
    });
    expect(isExpress4(express4)).toBe(true);
    expect(isExpress4({ router: {} })).toBe(false);
    // Express 4 hands the decoded rest; the raw path below the route's prefix keeps the encoded slash.
    const req = {
      method: 'GET',
      url: '/api/m/v1/users/u%2F1?x=1',
      headers: {},
      params: { 0: 'v1/users/u/1' },
    };
    expect(relativePath(Object.assign(req, { route: { path: '/api/m/*' } }))).toBe('/v1/users/u%2F1');
  });

  it("maps Fastify's body errors to core's codes, and leaves others alone", () => {
    const err = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });
    expect(fastifyBodyError(err('FST_ERR_CTP_BODY_TOO_LARGE', 413))?.errors[0]?.code).toBe(
      'request_body_too_large',
    );
    expect(fastifyBodyError(err('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415))?.errors[0]?.code).toBe(
      'unsupported_content_type',
    );
    expect(fastifyBodyError(err('FST_ERR_CTP_EMPTY_JSON_BODY', 400))?.errors[0]?.code).toBe(
      'malformed_request_body',
    );
    expect(fastifyBodyError(Object.assign(new SyntaxError('x'), { statusCode: 400 }))?.errors[0]?.code).toBe(
      'malformed_request_body',
    );
    expect(fastifyBodyError(err('SOMETHING_ELSE', 400))).toBeUndefined();
    expect(fastifyBodyError(err('FST_ERR_CTP_BODY_TOO_LARGE', 500))).toBeUndefined();
  });
});
