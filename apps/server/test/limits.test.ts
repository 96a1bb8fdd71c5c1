import type { InvitekitConfig } from '@invitekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../../packages/core/src/storage/schema.js';
import { assertClerkErrors } from '../../../test/support/contract.js';
import { testDatabases } from '../../../test/support/databases.js';
import { asUser, SECRET_KEY, seedOrganization, startTestServer, type TestServer } from './harness.js';

const FAPI = '/frontend/v1';
const HOUR_S = 60 * 60;
const DAY_S = 24 * HOUR_S;

interface Sent {
  status: number;
  retryAfter: number | null;
  body: any;
}

/** A request with its status, its `Retry-After` header and its body; every error must be ClerkErrors. */
async function send(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${SECRET_KEY}` },
): Promise<Sent> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = await res.json();
  if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(parsed)}`);
  if (res.status >= 400) assertClerkErrors(parsed);
  const retryAfter = res.headers.get('retry-after');
  return { status: res.status, retryAfter: retryAfter === null ? null : Number(retryAfter), body: parsed };
}

/** A 429 `too_many_requests` naming the limit, whose `Retry-After` header is within [min, max] seconds. */
function expectLimited(res: Sent, limitName: string, min: number, max: number) {
  expect(res.status).toBe(429);
  expect(res.body.errors[0].code).toBe('too_many_requests');
  expect(res.body.errors[0].meta.limit_name).toBe(limitName);
  expect(res.retryAfter).toBe(res.body.errors[0].meta.retry_after);
  expect(res.retryAfter).toBeGreaterThanOrEqual(min);
  expect(res.retryAfter).toBeLessThanOrEqual(max);
}

const backendCreate = (server: TestServer, orgId: string, email: string, inviter?: string) =>
  send(server, 'POST', `/v1/organizations/${orgId}/invitations`, {
    email_address: email,
    role: 'org:member',
    ...(inviter ? { inviter_user_id: inviter } : {}),
  });

const frontendCreate = async (
  server: TestServer,
  orgId: string,
  adminId: string,
  label: string,
  email: string,
) =>
  send(
    server,
    'POST',
    `${FAPI}/organizations/${orgId}/invitations`,
    { email_address: email, role: 'org:member' },
    await asUser(adminId, `${label}-admin@example.com`),
  );

const pendingCount = async (server: TestServer, orgId: string) =>
  (await send(server, 'GET', `/v1/organizations/${orgId}/invitations?status=pending&limit=1`)).body
    .total_count as number;

const outboxRows = async (server: TestServer) =>
  (await server.invitekit.database.db.select({ id: outbox.id }).from(outbox)).length;

const preview = (server: TestServer, headers: Record<string, string> = {}) =>
  send(server, 'POST', `${FAPI}/tickets/preview`, { token: 'not-a-real-token' }, headers);

/** `n` creates at once without an inviter, spread over `servers`: how many succeeded, and the refusals. */
async function concurrentCreates(servers: TestServer[], orgId: string, n: number, label: string) {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      backendCreate(servers[i % servers.length]!, orgId, `${label}-${i}@example.com`),
    ),
  );
  return {
    created: results.filter((r) => r.status === 200).length,
    refused: results.filter((r) => r.status !== 200),
  };
}

describe.each(testDatabases())('limits on $name', (kind) => {
  const servers: TestServer[] = [];
  const drops: (() => Promise<void>)[] = [];
  const start = async (extra: Partial<InvitekitConfig> = {}) => {
    const db = await kind.create();
    drops.push(db.drop);
    const server = await startTestServer(db.config, extra);
    servers.push(server);
    return server;
  };
  let defaults: TestServer;
  let limited: TestServer;

  beforeAll(async () => {
    defaults = await start();
    limited = await start({
      limits: {
        maxPerInviterPerHour: 3,
        maxPendingPerOrganization: 5,
        maxTokenRequestsPerClientPerMinute: 4,
      },
    });
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const drop of drops) await drop();
  });

  it('holds safe limits with no configuration: 100 invitations per inviter per hour, 30 token requests per client per minute', async () => {
    const { orgId, adminId } = await seedOrganization(defaults, 'dflt');
    const admin = await asUser(adminId, 'dflt-admin@example.com');
    for (let call = 0; call < 10; call++) {
      const bulk = await send(
        defaults,
        'POST',
        `${FAPI}/organizations/${orgId}/invitations/bulk`,
        {
          email_address: Array.from({ length: 10 }, (_, i) => `dflt-${call * 10 + i}@example.com`),
          role: 'org:member',
        },
        admin,
      );
      expect(bulk.status).toBe(200);
    }
    const over = await frontendCreate(defaults, orgId, adminId, 'dflt', 'dflt-100@example.com');
    expectLimited(over, 'invitations_per_inviter_per_hour', HOUR_S - 120, HOUR_S);
    expect(over.body.errors[0].meta.limit).toBe(100);
    expect(await pendingCount(defaults, orgId)).toBe(100);

    for (let i = 0; i < 30; i++) expect((await preview(defaults)).status).toBe(404);
    const refused = await preview(defaults);
    expectLimited(refused, 'token_requests_per_client', 1, 60);
    expect(refused.body.errors[0].meta.limit).toBe(30);
  });

  it("refuses an inviter's invitations past the hourly limit through the Backend and the Frontend API alike, writing nothing", async () => {
    const { orgId, adminId } = await seedOrganization(limited, 'hourly');
    const other = await send(limited, 'POST', '/v1/users', { email_address: ['hourly-2@example.com'] });
    await send(limited, 'POST', `/v1/organizations/${orgId}/memberships`, {
      user_id: other.body.id,
      role: 'org:admin',
    });

    expect((await backendCreate(limited, orgId, 'h1@example.com', adminId)).status).toBe(200);
    expect((await frontendCreate(limited, orgId, adminId, 'hourly', 'h2@example.com')).status).toBe(200);
    expect((await backendCreate(limited, orgId, 'h3@example.com', adminId)).status).toBe(200);
    const written = await outboxRows(limited);

    // The fourth, by either API, is refused: both count the same invitations.
    expectLimited(
      await frontendCreate(limited, orgId, adminId, 'hourly', 'h4@example.com'),
      'invitations_per_inviter_per_hour',
      HOUR_S - 120,
      HOUR_S,
    );
    expectLimited(
      await backendCreate(limited, orgId, 'h4@example.com', adminId),
      'invitations_per_inviter_per_hour',
      HOUR_S - 120,
      HOUR_S,
    );
    const bulk = await send(limited, 'POST', `/v1/organizations/${orgId}/invitations/bulk`, [
      { email_address: 'h5@example.com', role: 'org:member', inviter_user_id: other.body.id },
      { email_address: 'h6@example.com', role: 'org:member', inviter_user_id: adminId },
    ]);
    expectLimited(bulk, 'invitations_per_inviter_per_hour', HOUR_S - 120, HOUR_S);

    // Nothing of the refused creates was written: no invitation, no email, no webhook delivery.
    expect(await pendingCount(limited, orgId)).toBe(3);
    expect(await outboxRows(limited)).toBe(written);
    // The limit is the inviter's: another admin of the organization still may.
    expect((await backendCreate(limited, orgId, 'h4@example.com', other.body.id)).status).toBe(200);
  });

  it('keeps the pending quota per organization exact under 20 concurrent creates', async () => {
    const { orgId } = await seedOrganization(limited, 'quota');
    const { created, refused } = await concurrentCreates([limited], orgId, 20, 'quota');
    expect(created).toBe(5);
    expect(refused).toHaveLength(15);
    // Waiting helps at the latest when the first pending invitation expires (30 days by default).
    for (const r of refused)
      expectLimited(r, 'pending_invitations_per_organization', 30 * DAY_S - 120, 30 * DAY_S);
    expect(await pendingCount(limited, orgId)).toBe(5);

    // Revoking one frees exactly one slot.
    const first = await send(limited, 'GET', `/v1/organizations/${orgId}/invitations?status=pending&limit=1`);
    await send(limited, 'POST', `/v1/organizations/${orgId}/invitations/${first.body.data[0].id}/revoke`);
    const again = await concurrentCreates([limited], orgId, 4, 'quota-again');
    expect(again.created).toBe(1);
    expect(await pendingCount(limited, orgId)).toBe(5);
  });

  it('limits token preview and accept-by-token per client address, ignoring X-Forwarded-For unless proxies are trusted', async () => {
    // A fresh database, so the address's count starts at zero; the limited server's other tests use it too.
    const server = await start({ limits: { maxTokenRequestsPerClientPerMinute: 4 } });
    const me = await asUser('user_ext_limits', 'limits@example.com');
    expect((await preview(server)).status).toBe(404);
    expect((await preview(server)).status).toBe(404);
    const accept = () => send(server, 'POST', `${FAPI}/tickets/accept`, { token: 'not-a-real-token' }, me);
    expect((await accept()).status).toBe(404);
    expect((await accept()).status).toBe(404);
    expectLimited(await accept(), 'token_requests_per_client', 1, 60);
    // Another address in X-Forwarded-For is the client's to invent: it does not reset the count.
    expectLimited(
      await preview(server, { 'x-forwarded-for': '203.0.113.50' }),
      'token_requests_per_client',
      1,
      60,
    );
    // Other routes are not limited per client; the OpenAPI document names the 429 where it applies.
    expect((await send(server, 'GET', '/healthz')).status).toBe(200);
    const { paths } = server.invitekit.openapi() as any;
    expect(paths[`${FAPI}/tickets/preview`].post.responses['429'].headers['Retry-After']).toBeDefined();
    expect(paths[`${FAPI}/tickets/accept`].post.responses['429']).toBeDefined();
    expect(paths['/healthz'].get.responses['429']).toBeUndefined();

    // Behind one trusted proxy, each client address has its own count, read from X-Forwarded-For's last hop.
    const proxied = await start({ trustedProxies: 1, limits: { maxTokenRequestsPerClientPerMinute: 2 } });
    const from = (chain: string) => preview(proxied, { 'x-forwarded-for': chain });
    expect((await from('203.0.113.1')).status).toBe(404);
    expect((await from('203.0.113.1')).status).toBe(404);
    expectLimited(await from('203.0.113.1'), 'token_requests_per_client', 1, 60);
    // An entry the client put before the proxy's own is not believed.
    expectLimited(await from('198.51.100.9, 203.0.113.1'), 'token_requests_per_client', 1, 60);
    expect((await from('203.0.113.2')).status).toBe(404);
  });

  it('turns a limit off with 0', async () => {
    const server = await start({
      limits: { maxTokenRequestsPerClientPerMinute: 0, maxPendingPerOrganization: 0 },
    });
    for (let i = 0; i < 35; i++) expect((await preview(server)).status).toBe(404);
    const { orgId } = await seedOrganization(server, 'off');
    // 1,000 pending is the default quota; with it off, an organization may hold more.
    expect((await concurrentCreates([server], orgId, 10, 'off')).created).toBe(10);
  });
});

describe.each(testDatabases().filter((k) => k.name === 'postgres'))(
  'two server processes on one $name database',
  (kind) => {
    let a: TestServer;
    let b: TestServer;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const db = await kind.create();
      drop = db.drop;
      const limits = {
        maxPerInviterPerHour: 3,
        maxPendingPerOrganization: 5,
        maxTokenRequestsPerClientPerMinute: 4,
      };
      a = await startTestServer(db.config, { limits });
      b = await startTestServer(db.config, { limits });
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
      await drop?.();
    });

    it('share every count: per inviter, pending per organization (exact under concurrency) and per client', async () => {
      const { orgId, adminId } = await seedOrganization(a, 'shared');
      expect((await backendCreate(a, orgId, 's1@example.com', adminId)).status).toBe(200);
      expect((await frontendCreate(b, orgId, adminId, 'shared', 's2@example.com')).status).toBe(200);
      expect((await backendCreate(b, orgId, 's3@example.com', adminId)).status).toBe(200);
      expectLimited(
        await frontendCreate(a, orgId, adminId, 'shared', 's4@example.com'),
        'invitations_per_inviter_per_hour',
        HOUR_S - 120,
        HOUR_S,
      );

      const other = await seedOrganization(a, 'shared-quota');
      const { created, refused } = await concurrentCreates([a, b], other.orgId, 20, 'shared-quota');
      expect(created).toBe(5);
      for (const r of refused) expect(r.status).toBe(429);
      expect(await pendingCount(b, other.orgId)).toBe(5);

      expect((await preview(a)).status).toBe(404);
      expect((await preview(b)).status).toBe(404);
      expect((await preview(a)).status).toBe(404);
      expect((await preview(b)).status).toBe(404);
      expectLimited(await preview(a), 'token_requests_per_client', 1, 60);
      expectLimited(await preview(b), 'token_requests_per_client', 1, 60);
    });
  },
);
