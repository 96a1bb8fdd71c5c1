import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { SECRET_KEY, sessionToken, standaloneHelpers } from '../../../test/support/standalone.js';
import { spawnStandalone } from '../../../test/support/standalone-spawn.js';

// Two standalone server processes on one PostgreSQL database, as a deployment runs them. (PGlite is
// embedded: one process owns it, so this runs on PostgreSQL only.)
const postgres = testDatabases().filter((k) => k.name === 'postgres');

describe.runIf(postgres.length > 0)('join link uses across two server processes on postgres', () => {
  let a: Awaited<ReturnType<typeof spawnStandalone>>;
  let b: Awaited<ReturnType<typeof spawnStandalone>>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await postgres[0]!.create();
    drop = db.drop;
    const env = {
      DATABASE_URL: db.config.url!,
      DATABASE_POOL_SIZE: '10',
      // 50 joins from one address at once: above the default per-client limit, which is not tested here.
      INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE: '0',
    };
    // One after the other: both run the migrations at start.
    a = await spawnStandalone(env);
    b = await spawnStandalone(env);
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await drop?.();
  });

  it('50 simultaneous joins on a link with max_uses 10: exactly 10 memberships and 40 clean 4xx', async () => {
    const { backend, organization } = standaloneHelpers(a.url);
    const { admin, org } = await organization('race');
    const created = await fetch(`${a.url}/v1/organizations/${org.id}/join_links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'org:member', max_uses: 10, created_by: admin.id }),
    }).then((r) => r.json() as Promise<{ id: string; url: string }>);
    const token = new URL(created.url).searchParams.get('join_token')!;

    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const session = sessionToken({ id: `user_racer_${i}`, email: `racer-${i}@example.test` });
        const res = await fetch(`${(i % 2 ? a : b).url}/frontend/v1/join_links/accept`, {
          method: 'POST',
          headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        });
        return { status: res.status, body: (await res.json()) as any };
      }),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) {
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ code: 'join_link_not_active', meta: { status: 'used_up' } });
    }
    const members = await backend.memberships.list(org.id, { limit: 100 });
    expect(members.total_count).toBe(11); // the admin and the 10 who joined
    const link = await fetch(`${b.url}/v1/organizations/${org.id}/join_links/${created.id}`, {
      headers: { authorization: `Bearer ${SECRET_KEY}` },
    }).then((r) => r.json() as Promise<{ uses_count: number; status: string }>);
    expect(link).toMatchObject({ uses_count: 10, status: 'used_up' });
    const uses = await fetch(`${a.url}/v1/organizations/${org.id}/join_links/${created.id}/uses?limit=100`, {
      headers: { authorization: `Bearer ${SECRET_KEY}` },
    }).then((r) => r.json() as Promise<{ total_count: number; data: { user_id: string }[] }>);
    expect(uses.total_count).toBe(10);
    expect(new Set(uses.data.map((u) => u.user_id))).toEqual(new Set(ok.map((r) => r.body.response.user_id)));
  });

  it('20 simultaneous joins into an organization with room for 5: exactly 5 members more, 15 quota refusals', async () => {
    const { backend, organization } = standaloneHelpers(a.url);
    const { admin, org } = await organization('quota');
    const bapi = (base: string, method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((r) => r.json() as Promise<any>);
    await bapi(a.url, 'PATCH', `/v1/organizations/${org.id}`, { max_allowed_memberships: 6 });
    const created = await bapi(a.url, 'POST', `/v1/organizations/${org.id}/join_links`, {
      role: 'org:member',
      created_by: admin.id,
    });
    const token = new URL(created.url).searchParams.get('join_token')!;
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const session = sessionToken({ id: `user_quota_${i}`, email: `quota-${i}@example.test` });
        const res = await fetch(`${(i % 2 ? a : b).url}/frontend/v1/join_links/accept`, {
          method: 'POST',
          headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        });
        return { status: res.status, body: (await res.json()) as any };
      }),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(r.body.errors[0].code).toBe('organization_membership_quota_exceeded');
    }
    expect((await backend.memberships.list(org.id, { limit: 100 })).total_count).toBe(6);
    // A refused join gives its use back (its transaction rolled back).
    expect(
      (await bapi(b.url, 'GET', `/v1/organizations/${org.id}/join_links/${created.id}`)).uses_count,
    ).toBe(5);
  });

  it('each of 10 requests decided at once by both routes on both processes: exactly one decision each', async () => {
    const { organization } = standaloneHelpers(a.url);
    const { admin, org } = await organization('decide');
    const bapi = (base: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const link = (
      await bapi(a.url, `/v1/organizations/${org.id}/join_links`, {
        role: 'org:member',
        require_approval: true,
        created_by: admin.id,
      })
    ).body;
    const token = new URL(link.url).searchParams.get('join_token')!;
    for (let i = 0; i < 10; i++) {
      const session = sessionToken({ id: `user_decide_${i}`, email: `decide-${i}@example.test` });
      const res = await fetch(`${a.url}/frontend/v1/join_links/accept`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      expect(res.status).toBe(200);
    }
    const requests = (await bapi(b.url, `/v1/organizations/${org.id}/membership_requests?limit=100`)).body
      .data as any[];
    const uses = (await bapi(b.url, `/v1/organizations/${org.id}/join_links/${link.id}/uses?limit=100`)).body
      .data as any[];
    expect(requests).toHaveLength(10);
    // For every person: approve the use on one process while rejecting the request on the other.
    const races = await Promise.all(
      requests.map(async (r, i) => {
        const use = uses.find((u) => u.user_id === r.public_user_data.user_id);
        const [approve, reject] = await Promise.all([
          bapi(
            (i % 2 ? a : b).url,
            `/v1/organizations/${org.id}/join_links/${link.id}/uses/${use.id}/approve`,
            {},
          ),
          bapi((i % 2 ? b : a).url, `/v1/organizations/${org.id}/membership_requests/${r.id}/reject`, {}),
        ]);
        return { approve, reject };
      }),
    );
    let approved = 0;
    for (const { approve, reject } of races) {
      // Exactly one of the two wins; the other is a clean 400 "not pending".
      expect([approve.status, reject.status].sort()).toEqual([200, 400]);
      if (approve.status === 200) approved += 1;
      const loser = approve.status === 200 ? reject : approve;
      expect(loser.body.errors[0].code).toMatch(/not_pending$/);
    }
    const after = (await bapi(a.url, `/v1/organizations/${org.id}/join_links/${link.id}/uses?limit=100`)).body
      .data as any[];
    const decided = (await bapi(a.url, `/v1/organizations/${org.id}/membership_requests?limit=100`)).body
      .data as any[];
    for (const use of after) {
      const request = decided.find((r) => r.public_user_data.user_id === use.user_id);
      expect(use.status).toBe(request.status === 'accepted' ? 'joined' : 'rejected');
    }
    expect(after.filter((u) => u.status === 'joined')).toHaveLength(approved);
    // Rejected uses were given back, once each.
    expect((await bapi(b.url, `/v1/organizations/${org.id}/join_links/${link.id}`)).body.uses_count).toBe(
      approved,
    );
    const members = (await bapi(b.url, `/v1/organizations/${org.id}/memberships?limit=100`)).body;
    expect(members.total_count).toBe(1 + approved);
  });
});
