import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitekit, type Invitekit } from '../src/index.js';

// PGlite serves one call at a time. A call that cannot get its turn within connectTimeoutMs is answered 503
// (the embedded database's outage) instead of waiting without bound, and it never runs.
describe('PGlite: a bounded wait for the embedded database', () => {
  const WAIT_MS = 500;
  let ik: Invitekit;
  let orgId: string;
  const lines: string[] = [];
  const headers = { authorization: 'Bearer sk_wait' };
  const create = (email: string) =>
    ik.handle({
      method: 'POST',
      path: `/v1/organizations/${orgId}/invitations`,
      query: {},
      headers,
      body: { email_address: email, role: 'org:member', notify: false },
    });

  beforeAll(async () => {
    ik = await createInvitekit({
      database: { dataDir: 'memory://', connectTimeoutMs: WAIT_MS },
      secretKeys: ['sk_wait'],
      log: (_level, message) => lines.push(message),
    });
    orgId = (await ik.services.organizations.create({ name: 'Wait' })).id;
  });
  afterAll(() => ik.close());

  it('answers 503 within the wait timeout plus one second while a transaction holds PGlite, writing nothing', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holding = ik.database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1`);
      await held;
    });
    const started = Date.now();
    const [a, b, health] = await Promise.all([
      create('held-1@example.com'),
      create('held-2@example.com'),
      ik.handle({ method: 'GET', path: '/healthz', query: {}, headers: {} }),
    ]);
    expect(Date.now() - started).toBeLessThan(WAIT_MS + 1000);
    for (const res of [a, b]) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect((res.body as { errors: { code: string }[] }).errors[0]!.code).toBe('service_unavailable');
    }
    expect(health.status).toBe(503);
    release();
    await holding;
    expect((await create('after@example.com')).status).toBe(200);
    const page = await ik.services.organizationInvitations.list(orgId, {});
    expect(page.data.map((i) => i.emailAddress)).toEqual(['after@example.com']);
    expect(lines.filter((l) => l.startsWith('database '))[0]).toMatch(/^database unavailable/);
  });
});
