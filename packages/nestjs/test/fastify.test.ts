import 'reflect-metadata';
import type { AuthenticatedUser } from '@invitekit/core';
import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Injectable,
  Module,
  Post,
  UnauthorizedException,
} from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertClerkErrors, assertContract } from '../../../test/support/contract.js';
import { InvitekitModule } from '../src/index.js';
import { SECRET_KEY } from './support.js';

/** The host's session guard, reading the Fastify request through switchToHttp(). */
@Injectable()
class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
    const email = req.headers['x-user-email'];
    if (!email) throw new UnauthorizedException();
    req.user = { id: req.headers['x-user-id'], email };
    return true;
  }
}

/** A host route outside Invitekit: its body errors stay Nest's. */
@Controller('host')
class HostController {
  @Post('echo')
  echo() {
    return { ok: true };
  }
}

@Module({
  imports: [
    InvitekitModule.forRoot({
      database: { dataDir: 'memory://' },
      secretKeys: [SECRET_KEY],
      guards: [SessionGuard],
      resolveUser: (req: { user?: { id: string; email: string } }): AuthenticatedUser | null =>
        req.user
          ? { id: req.user.id, emailAddresses: [{ emailAddress: req.user.email, verified: true }] }
          : null,
    }),
  ],
  controllers: [HostController],
})
class AppModule {}

describe('InvitekitModule on the Fastify platform', () => {
  let app: NestFastifyApplication;
  let base: string;
  const admin = { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' };

  const send = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = admin,
  ) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown> & { id: string };
    if (res.status >= 400 && path.startsWith('/api/invitekit')) assertClerkErrors(json);
    return { status: res.status, body: json, headers: res.headers };
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: 2048 }), {
      logger: false,
    });
    app.setGlobalPrefix('api');
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves the Backend API and the Frontend API, with the host guard signing the caller in', async () => {
    expect((await send('GET', '/api/invitekit/healthz', undefined, {})).status).toBe(200);
    const ada = await send('POST', '/api/invitekit/v1/users', { email_address: ['ada@example.com'] });
    assertContract('CreateUser', ada.status, ada.body);
    const bob = await send('POST', '/api/invitekit/v1/users', { email_address: ['bob@example.com'] });
    const org = await send('POST', '/api/invitekit/v1/organizations', {
      name: 'Acme',
      created_by: ada.body.id,
    });
    const invitation = await send('POST', `/api/invitekit/v1/organizations/${org.body.id}/invitations`, {
      email_address: 'bob@example.com',
      role: 'org:member',
      inviter_user_id: ada.body.id,
    });
    assertContract('CreateOrganizationInvitation', invitation.status, invitation.body);

    // Encoded path segments and repeated query keys arrive as on Express.
    const pending = await send(
      'GET',
      `/api/invitekit/v1/organizations/${org.body.id}/invitations?status=pending&status=accepted`,
    );
    expect(pending.body.total_count).toBe(1);

    const signedOut = await send(
      'GET',
      '/api/invitekit/frontend/v1/me/organization_invitations',
      undefined,
      {},
    );
    expect(signedOut.status).toBe(401);
    const bobSession = {
      'x-user-id': bob.body.id,
      'x-user-email': 'bob@example.com',
      'content-type': 'application/json',
    };
    const mine = await send(
      'GET',
      '/api/invitekit/frontend/v1/me/organization_invitations',
      undefined,
      bobSession,
    );
    expect(mine.status).toBe(200);
    const accepted = await send(
      'POST',
      `/api/invitekit/frontend/v1/me/organization_invitations/${invitation.body.id}/accept`,
      {},
      bobSession,
    );
    expect(accepted.status).toBe(200);
    const members = await send('GET', `/api/invitekit/v1/organizations/${org.body.id}/memberships`);
    expect((members.body.data as unknown[]).length).toBe(2);
  });

  it('answers body errors under its path in ClerkErrors form, and leaves the host routes to Nest', async () => {
    const malformed = await send('POST', '/api/invitekit/v1/users', '{"email_address":');
    expect(malformed.status).toBe(400);
    expect((malformed.body.errors as { code: string }[])[0]?.code).toBe('malformed_request_body');

    const large = await send('POST', '/api/invitekit/v1/users', { first_name: 'x'.repeat(4096) });
    expect(large.status).toBe(413);
    expect((large.body.errors as { code: string }[])[0]?.code).toBe('request_body_too_large');

    const host = await send('POST', '/api/host/echo', '{"a":');
    expect(host.status).toBe(400);
    expect(host.body.errors).toBeUndefined();
    expect(host.body.statusCode).toBe(400);
  });
});
