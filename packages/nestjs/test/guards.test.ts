import type { AuthenticatedUser, InvitekitRequest } from '@invitekit/core';
import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  type INestApplication,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvitekitModule } from '../src/index.js';
import { toInvitekitConfig } from '../src/invitekit.options.js';
import { bootApp, SECRET_KEY } from './support.js';

/** The host's own user store, a dependency of its guard. */
@Injectable()
class HostUsers {
  readonly byToken = new Map([['token-ada', { id: 'user_ada', email: 'ada@example.com' }]]);
}

/** The host's guard: a bearer session token → `req.user`, as Passport-style guards do. */
@Injectable()
class HostSessionGuard implements CanActivate {
  constructor(@Inject(HostUsers) private readonly users: HostUsers) {}
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest();
    const user = this.users.byToken.get(String(req.headers['x-session'] ?? ''));
    if (!user) throw new UnauthorizedException();
    req.user = user;
    return true;
  }
}

const resolveUser = (req: { user?: { id: string; email: string } }): AuthenticatedUser | null =>
  req.user ? { id: req.user.id, emailAddresses: [{ emailAddress: req.user.email, verified: true }] } : null;

describe('the host guards on the Frontend API', () => {
  let app: INestApplication;
  const calls: string[] = [];

  beforeAll(async () => {
    app = await bootApp({
      imports: [
        InvitekitModule.forRoot({
          database: { dataDir: 'memory://' },
          secretKeys: [SECRET_KEY],
          // What the guard left on the platform request (req.user) is what resolveUser reads.
          resolveUser,
          guards: [
            HostSessionGuard,
            {
              canActivate: (context: ExecutionContext) => {
                calls.push(context.switchToHttp().getRequest().url);
                return true;
              },
            },
          ],
        }),
      ],
      providers: [HostUsers, HostSessionGuard],
    });
  });
  afterAll(() => app?.close());

  it('run, in order, for Frontend API requests only; the Backend API keeps its secret key', async () => {
    calls.length = 0;
    await request(app.getHttpServer())
      .get('/invitekit/frontend/v1/me/organization_invitations')
      .set('x-session', 'token-ada');
    const backend = await request(app.getHttpServer())
      .get('/invitekit/v1/organizations')
      .set('authorization', `Bearer ${SECRET_KEY}`);
    expect(backend.status).toBe(200);
    expect(calls).toEqual(['/invitekit/frontend/v1/me/organization_invitations']);
  });

  it('never answer for core: after a refusal the request goes on anonymously, and core answers', async () => {
    calls.length = 0;
    const res = await request(app.getHttpServer()).get('/invitekit/frontend/v1/me/organization_invitations');
    // The refusing guard stops the chain, but Nest's own 401 body never appears: the answer is core's.
    expect(calls).toEqual([]);
    expect(res.body.statusCode).toBeUndefined();
    expect(res.body.errors[0].code).toMatch(/^(authentication_invalid|resource_not_found)$/);
  });

  it('let errors other than a refusal through, as Nest would', async () => {
    const throttled = await bootApp({
      imports: [
        InvitekitModule.forRoot({
          database: { dataDir: 'memory://' },
          guards: [
            {
              canActivate: () => {
                throw new HttpException('Too Many Requests', 429);
              },
            },
          ],
        }),
      ],
    });
    try {
      const res = await request(throttled.getHttpServer()).get(
        '/invitekit/frontend/v1/me/organization_invitations',
      );
      expect(res.status).toBe(429);
    } finally {
      await throttled.close();
    }
  });
});

describe('resolveUser', () => {
  it("becomes core's authenticate, reading the platform request from raw", async () => {
    const config = toInvitekitConfig({ resolveUser });
    const plain: InvitekitRequest = {
      method: 'GET',
      path: '/frontend/v1/me',
      query: {},
      headers: {},
      raw: { user: { id: 'user_ada', email: 'ada@example.com' } },
    };
    expect(await config.authenticate!(plain)).toEqual({
      id: 'user_ada',
      emailAddresses: [{ emailAddress: 'ada@example.com', verified: true }],
    });
    expect(await config.authenticate!({ ...plain, raw: {} })).toBeNull();
    expect(await toInvitekitConfig({ resolveUser: async () => undefined }).authenticate!(plain)).toBeNull();
  });

  it('is refused beside authenticate', () => {
    expect(() => toInvitekitConfig({ resolveUser, authenticate: async () => null })).toThrow(/not both/);
  });
});

describe('decorators', () => {
  /** A host's global guard that lets through what is marked public, and nothing else. */
  @Injectable()
  class GlobalAuthGuard implements CanActivate {
    constructor(@Inject(Reflector) private readonly reflector: Reflector) {}
    canActivate(context: ExecutionContext): boolean {
      return this.reflector.get<boolean>('isPublic', context.getClass()) === true;
    }
  }
  const Public = () => SetMetadata('isPublic', true);

  it('marks the controller, e.g. public for a global guard that would otherwise refuse it', async () => {
    const boot = (decorators: ClassDecorator[]) =>
      bootApp({
        imports: [
          InvitekitModule.forRoot({
            database: { dataDir: 'memory://' },
            secretKeys: [SECRET_KEY],
            decorators,
          }),
        ],
        providers: [{ provide: APP_GUARD, useClass: GlobalAuthGuard }],
      });
    const [closed, open] = [await boot([]), await boot([Public()])];
    try {
      const get = (app: INestApplication) =>
        request(app.getHttpServer())
          .get('/invitekit/v1/organizations')
          .set('authorization', `Bearer ${SECRET_KEY}`);
      expect((await get(closed)).status).toBe(403);
      expect((await get(open)).status).toBe(200);
    } finally {
      await closed.close();
      await open.close();
    }
  });
});
