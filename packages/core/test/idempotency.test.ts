import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assertClerkErrors } from '../../../test/support/contract.js';
import { testDatabases } from '../../../test/support/databases.js';
import { type SmtpServer, startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { InvitekitError } from '../src/domain/errors.js';
import { SecretKeys } from '../src/http/auth.js';
import { createHandler, StatusResult } from '../src/http/handler.js';
import { Idempotency } from '../src/http/idempotency.js';
import { defineRoute } from '../src/http/route.js';
import { createInvitekit, type Invitekit, type InvitekitRequest } from '../src/index.js';
import { IdempotencyKeys } from '../src/services/idempotency.js';

const SECRET = 'sk_test_idempotency';
const HOUR = 60 * 60 * 1000;
const TTL = 24 * HOUR;
const LOCK = 30_000;

type Row = Record<string, any>;
const rows = async (ik: Invitekit, query: ReturnType<typeof sql>) =>
  ((await ik.database.db.execute(query)) as unknown as { rows: Row[] }).rows;

describe.each(testDatabases())('Idempotency-Key on $name', (kind) => {
  let ik: Invitekit;
  let smtp: SmtpServer;
  let drop: () => Promise<void>;
  // The server's clock runs with the wall clock, shifted by the tests to pass retention and locks.
  let offset = 0;
  const now = () => Date.now() + offset;
  let orgId: string;
  let adminId: string;
  let n = 0;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const db = await kind.create();
    drop = db.drop;
    ik = await createInvitekit({
      database: db.config,
      secretKeys: [SECRET, 'sk_test_rotated'],
      smtpUrl: smtp.url,
      now,
      idempotency: { keyTtlMs: TTL, lockMs: LOCK },
      // One invitation per inviter per hour: the 429 below.
      limits: { maxPerInviterPerHour: 1 },
      delivery: { pollIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 100 },
      authenticate: async (request) => {
        const id = /^Bearer (user_\w+)$/.exec(String(request.headers.authorization))?.[1];
        return id ? { id, emailAddresses: [{ emailAddress: `${id}@example.com`, verified: true }] } : null;
      },
    });
    ik.start();
    const admin = await ik.services.users.create({ emailAddresses: ['ada@example.com'], firstName: 'Ada' });
    adminId = admin.id;
    orgId = (await ik.services.organizations.create({ name: 'Acme', createdBy: adminId })).id;
  }, 60_000);
  afterAll(async () => {
    await ik?.close();
    await smtp?.close();
    await drop?.();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    ik.handle({
      method: 'POST',
      path,
      query: {},
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json', ...headers },
      body,
    });
  const invitationsTo = async (email: string) =>
    (await rows(ik, sql`SELECT id FROM organization_invitations WHERE email_address = ${email}`)).length;
  const emailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email)).length;
  const fresh = (label: string) => `${label}-${++n}@example.com`;
  const orgPath = () => `/v1/organizations/${orgId}/invitations`;

  it('replays a retry: the same status and body, and no second invitation or email', async () => {
    const email = fresh('retry');
    const body = { email_address: email, role: 'org:member' };
    const first = await post(orgPath(), body, { 'idempotency-key': 'key-retry' });
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    await waitFor('the invitation email', () => emailsTo(email) === 1);

    // The same body with its keys in another order is the same request.
    const retry = await post(
      orgPath(),
      { role: 'org:member', email_address: email },
      { 'idempotency-key': 'key-retry' },
    );
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // The same answer, but its accept link went out once: the replay's `url` is null.
    const link = (first.body as { url: string }).url;
    expect(link).toContain('invitation_token=');
    expect(JSON.stringify(retry.body)).toBe(JSON.stringify({ ...(first.body as object), url: null }));
    expect(await invitationsTo(email)).toBe(1);
    const outbox = await rows(ik, sql`SELECT id FROM outbox WHERE kind = 'email' AND target = ${email}`);
    expect(outbox).toHaveLength(1);
    // Anything still due would have been sent by now (the dispatcher polls every 50 ms).
    await new Promise((r) => setTimeout(r, 300));
    expect(emailsTo(email)).toBe(1);

    // Without a key, the same request is a new one: Clerk's duplicate_record.
    const unkeyed = await post(orgPath(), body);
    expect([unkeyed.status, (unkeyed.body as any).errors[0].code]).toEqual([400, 'duplicate_record']);
  });

  it('answers 422 idempotency_key_mismatch to the same key with another body, in the ClerkErrors shape', async () => {
    const first = await post(
      orgPath(),
      { email_address: fresh('mismatch'), role: 'org:member' },
      {
        'idempotency-key': 'key-mismatch',
      },
    );
    expect(first.status).toBe(200);
    const other = fresh('other');
    const reused = await post(
      orgPath(),
      { email_address: other, role: 'org:member' },
      {
        'idempotency-key': 'key-mismatch',
      },
    );
    expect(reused.status).toBe(422);
    assertClerkErrors(reused.body);
    expect(reused.body.errors[0]).toMatchObject({
      code: 'idempotency_key_mismatch',
      meta: { param_name: 'Idempotency-Key' },
    });
    expect(await invitationsTo(other)).toBe(0);
  });

  it('scopes keys by caller, method and path: one key on another path or by another caller is another request', async () => {
    const key = { 'idempotency-key': 'key-scoped' };
    const user = await post('/v1/users', { email_address: [fresh('scoped-user')] }, key);
    expect(user.status).toBe(200);
    const org = await post(
      '/v1/organizations',
      { name: 'Scoped', created_by: (user.body as { id: string }).id },
      key,
    );
    expect(org.status).toBe(200);
    expect(org.body).toMatchObject({ object: 'organization', name: 'Scoped' });

    // Through the Frontend API, as the organization's admin, the same key is that person's own.
    const admin = 'user_scoped';
    await ik.handle({
      method: 'GET',
      path: '/frontend/v1/me/organization_invitations',
      query: {},
      headers: { authorization: `Bearer ${admin}` },
    });
    const fapiOrg = await ik.services.organizations.create({ name: 'Fapi', createdBy: admin });
    const invite = (by: string, email: string) =>
      ik.handle({
        method: 'POST',
        path: `/frontend/v1/organizations/${fapiOrg.id}/invitations`,
        query: {},
        headers: { authorization: `Bearer ${by}`, 'content-type': 'application/json', ...key },
        body: { email_address: email, role: 'org:member' },
      });
    const email = fresh('fapi');
    const first = await invite(admin, email);
    expect(first.status).toBe(200);
    const again = await invite(admin, email);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const { response } = first.body as { response: object };
    expect(again.body).toEqual({ ...(first.body as object), response: { ...response, url: null } });
    expect(await invitationsTo(email)).toBe(1);
    // Another signed-in person with the same key and body runs their own request (not an admin: 403).
    const stranger = await invite('user_stranger', email);
    expect(stranger.status).toBe(403);
    expect(stranger.headers['idempotent-replayed']).toBeUndefined();

    // The secret-key caller is one, whichever valid key it presents (rotation).
    const rotated = await post(
      '/v1/organizations',
      { name: 'Scoped', created_by: (user.body as { id: string }).id },
      {
        ...key,
        authorization: 'Bearer sk_test_rotated',
      },
    );
    expect(rotated.headers['idempotent-replayed']).toBe('true');
    expect(rotated.body).toEqual(org.body);
  });

  it('runs one of several concurrent requests with one key; the others get its answer or a clean 409', async () => {
    const email = fresh('race');
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        post(orgPath(), { email_address: email, role: 'org:member' }, { 'idempotency-key': 'key-race' }),
      ),
    );
    const ran = results.filter((r) => r.status === 200 && !r.headers['idempotent-replayed']);
    expect(ran).toHaveLength(1);
    for (const r of results) {
      if (r === ran[0]) continue;
      // The others replay its answer, whose accept link went out once (url: null).
      if (r.status === 200) expect(r.body).toEqual({ ...(ran[0]!.body as object), url: null });
      else {
        expect(r.status).toBe(409);
        assertClerkErrors(r.body);
        expect(r.body.errors[0]!.code).toBe('idempotency_key_in_use');
        expect(r.headers['retry-after']).toBe('1');
      }
    }
    expect(await invitationsTo(email)).toBe(1);
    const retry = await post(
      orgPath(),
      { email_address: email, role: 'org:member' },
      { 'idempotency-key': 'key-race' },
    );
    expect(retry.body).toEqual({ ...(ran[0]!.body as object), url: null });
  });

  it('stores no accept or join token: every create replays its links as null, wherever they sit', async () => {
    const secretsOf = (body: unknown) =>
      [...JSON.stringify(body).matchAll(/(?:invitation|join)_token=[^.&"]+\.([A-Za-z0-9_-]{20,})/g)].map(
        (m) => m[1]!,
      );
    const admin = 'user_links';
    await ik.handle({
      method: 'GET',
      path: '/frontend/v1/me/organization_invitations',
      query: {},
      headers: { authorization: `Bearer ${admin}` },
    });
    const org = await ik.services.organizations.create({ name: 'Links', createdBy: admin });
    // [what, path, body, the urls of an answer]; each is sent twice with one key. An application
    // invitation's replay leaves `url` out (Clerk's schema: optional, never null), as its list does.
    const creates: [string, string, unknown, (body: any) => unknown[]][] = [
      [
        'organization invitation',
        orgPath(),
        { email_address: fresh('one'), role: 'org:member' },
        (b) => [b.url],
      ],
      [
        'bulk organization invitations',
        `${orgPath()}/bulk`,
        [fresh('bulk'), fresh('bulk')].map((email_address) => ({ email_address, role: 'org:member' })),
        (b) => b.data.map((i: any) => i.url),
      ],
      ['application invitation', '/v1/invitations', { email_address: fresh('app') }, (b) => [b.url]],
      [
        'bulk application invitations',
        '/v1/invitations/bulk',
        [{ email_address: fresh('app') }, { email_address: fresh('app') }],
        (b) => b.map((i: any) => i.url),
      ],
      [
        'join link',
        `/v1/organizations/${orgId}/join_links`,
        { role: 'org:member', created_by: adminId },
        (b) => [b.url],
      ],
      [
        'Frontend API join link',
        `/frontend/v1/organizations/${org.id}/join_links`,
        { role: 'org:member' },
        (b) => [b.response.url],
      ],
    ];
    for (const [name, path, body, urls] of creates) {
      const key = `tokens-${name}`.replaceAll(' ', '-');
      const caller = path.startsWith('/frontend') ? `Bearer ${admin}` : `Bearer ${SECRET}`;
      const create = () => post(path, body, { 'idempotency-key': key, authorization: caller });
      const first = await create();
      expect([name, first.status]).toEqual([name, 200]);
      const secrets = secretsOf(first.body);
      expect([name, secrets.length]).toEqual([name, urls(first.body).length]);
      const replay = await create();
      expect([name, replay.headers['idempotent-replayed']]).toEqual([name, 'true']);
      // Everything else replays as it was answered.
      const application = name.includes('application');
      expect(JSON.stringify(replay.body)).toBe(
        application
          ? JSON.stringify(first.body).replace(/"url":"[^"]*",/g, '')
          : JSON.stringify(first.body).replace(/"url":"[^"]*"/g, '"url":null'),
      );
      if (application) expect(JSON.stringify(replay.body)).not.toContain('"url"');
      else expect([name, urls(replay.body)]).toEqual([name, urls(first.body).map(() => null)]);
      const stored = await rows(ik, sql`SELECT body FROM idempotency_keys WHERE key = ${key}`);
      expect(stored).toHaveLength(1);
      for (const secret of secrets) expect(stored[0]!.body, name).not.toContain(secret);
      expect(stored[0]!.body).not.toMatch(/_token=/);
    }

    // Metadata is the caller's own: a `url` in it is kept, even one that looks like a link with a token.
    const metadata = { url: `https://x.example/?invitation_token=${'a'.repeat(30)}` };
    const withMeta = { email_address: fresh('meta'), role: 'org:member', public_metadata: metadata };
    await post(orgPath(), withMeta, { 'idempotency-key': 'tokens-meta' });
    const replayed = await post(orgPath(), withMeta, { 'idempotency-key': 'tokens-meta' });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect((replayed.body as any).public_metadata).toEqual(metadata);
  });

  it('stores a handler refusal (4xx) but not a request refused before it ran, nor a 429', async () => {
    // Validation (422) happens before the handler: the key stays free for the corrected request.
    const email = fresh('fixed');
    const invalid = await post(
      orgPath(),
      { email_address: email, role: 42 },
      { 'idempotency-key': 'key-fix' },
    );
    expect(invalid.status).toBe(422);
    const fixed = await post(
      orgPath(),
      { email_address: email, role: 'org:member' },
      { 'idempotency-key': 'key-fix' },
    );
    expect(fixed.status).toBe(200);

    // A refusal by the service is the request's answer: replayed, even once the cause is gone.
    const missing = '/v1/organizations/org_missing/invitations';
    const notFound = await post(
      missing,
      { email_address: email, role: 'org:member' },
      { 'idempotency-key': 'key-404' },
    );
    expect(notFound.status).toBe(404);
    const again = await post(
      missing,
      { email_address: email, role: 'org:member' },
      { 'idempotency-key': 'key-404' },
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(notFound.body);

    // 429: the inviter's hourly limit (1). A retry with the key after the hour runs and succeeds.
    const inviter = (await ik.services.users.create({ emailAddresses: [fresh('inviter')] })).id;
    await ik.services.memberships.create(orgId, { userId: inviter, role: 'org:admin' });
    const limited = (email: string) =>
      post(
        orgPath(),
        { email_address: email, role: 'org:member', inviter_user_id: inviter },
        { 'idempotency-key': `key-429-${email}` },
      );
    expect((await limited(fresh('first'))).status).toBe(200);
    const second = fresh('second');
    const refused = await limited(second);
    expect(refused.status).toBe(429);
    offset += HOUR;
    const later = await limited(second);
    expect(later.status).toBe(200);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(await invitationsTo(second)).toBe(1);
  });

  it('answers 400 idempotency_key_invalid to a malformed key, and ignores the header off POST', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256), 'clé']) {
      const res = await post(
        orgPath(),
        { email_address: fresh('bad-key'), role: 'org:member' },
        { 'idempotency-key': key },
      );
      expect(res.status).toBe(400);
      assertClerkErrors(res.body);
      expect(res.body.errors[0]!.code).toBe('idempotency_key_invalid');
    }
    const several = await ik.handle({
      method: 'POST',
      path: orgPath(),
      query: {},
      headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': ['a', 'b'] },
      body: { email_address: fresh('several'), role: 'org:member' },
    });
    expect((several.body as any).errors[0].code).toBe('idempotency_key_invalid');
    expect(
      (
        await post(
          orgPath(),
          { email_address: fresh('max'), role: 'org:member' },
          { 'idempotency-key': 'k'.repeat(255) },
        )
      ).status,
    ).toBe(200);
    // A wrong secret key is a 401 first: the key is checked once the caller is known.
    const anonymous = await post(
      orgPath(),
      {},
      { authorization: 'Bearer wrong', 'idempotency-key': 'has space' },
    );
    expect(anonymous.status).toBe(401);
    const list = await ik.handle({
      method: 'GET',
      path: orgPath(),
      query: {},
      headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': 'has space' },
    });
    expect(list.status).toBe(200);
  });

  it('documents the header on every POST of the OpenAPI document, and on no other method', () => {
    const paths = ik.openapi().paths as Record<string, Record<string, { parameters: { name: string }[] }>>;
    const operations = Object.values(paths).flatMap((methods) => Object.entries(methods));
    expect(operations.filter(([m]) => m === 'post').length).toBeGreaterThan(10);
    for (const [method, op] of operations) {
      const named = op.parameters.some((p) => p.name === 'Idempotency-Key');
      expect(named).toBe(method === 'post');
    }
  });

  it('forgets a key after its retention, and the sweep deletes it', async () => {
    const key = { 'idempotency-key': 'key-expiry' };
    const first = fresh('expiry');
    expect((await post(orgPath(), { email_address: first, role: 'org:member' }, key)).status).toBe(200);
    const stored = () => rows(ik, sql`SELECT key FROM idempotency_keys WHERE key = 'key-expiry'`);
    expect(await stored()).toHaveLength(1);
    offset += TTL + 1;
    // Past its retention the key is free, whatever the body.
    const second = fresh('expiry');
    const reused = await post(orgPath(), { email_address: second, role: 'org:member' }, key);
    expect(reused.status).toBe(200);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(await invitationsTo(second)).toBe(1);

    const keys = new IdempotencyKeys({ ...ik.database, now });
    // Older keys of the suite go; this one, stored anew, stays.
    await keys.sweep();
    expect(await stored()).toHaveLength(1);
    offset += TTL + 1;
    expect(await keys.sweep()).toBeGreaterThanOrEqual(1);
    expect(await stored()).toHaveLength(0);
  });

  it('start() sweeps expired keys', async () => {
    const db = await kind.create();
    const other = await createInvitekit({ database: db.config, now, secretKeys: [SECRET] });
    try {
      const created = await other.handle({
        method: 'POST',
        path: '/v1/users',
        query: {},
        headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': 'key-start' },
        body: { email_address: ['start@example.com'] },
      });
      expect(created.status).toBe(200);
      const stored = () => rows(other, sql`SELECT key FROM idempotency_keys`);
      expect(await stored()).toHaveLength(1);
      offset += TTL + 1;
      other.start();
      await waitFor('the start() sweep', async () => (await stored()).length === 0);
    } finally {
      await other.close();
      await db.drop();
    }
  });

  it('logs a failure to record an answer or to sweep keys that is not an outage (redacted)', async () => {
    const db = await kind.create();
    const logged: { level: string; message: string; data?: unknown }[] = [];
    const other = await createInvitekit({
      database: db.config,
      now,
      secretKeys: [SECRET],
      log: (level, message, data) => logged.push({ level, message, data }),
    });
    try {
      // Not outages: a constraint that refuses every answer, and a trigger that refuses every sweep.
      await other.database.db.execute(
        sql`ALTER TABLE idempotency_keys ADD CONSTRAINT test_no_answers CHECK (status IS NULL)`,
      );
      await other.database.db.execute(sql`CREATE FUNCTION test_no_sweeps() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'test: sweeps refused'; END $$`);
      await other.database.db.execute(sql`CREATE TRIGGER test_no_sweeps BEFORE DELETE ON idempotency_keys
        FOR EACH STATEMENT EXECUTE FUNCTION test_no_sweeps()`);
      const org = await other.services.organizations.create({ name: 'Logged' });
      const created = await other.handle({
        method: 'POST',
        path: `/v1/organizations/${org.id}/invitations`,
        query: {},
        headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': 'key-logged' },
        body: { email_address: 'logged@example.com', role: 'org:member' },
      });
      // The effect is done: its answer goes back all the same.
      expect(created.status).toBe(200);
      const secret = (created.body as { url: string }).url.split('.').at(-1)!;
      const recording = logged.find((l) => l.message.startsWith('idempotency: recording an answer failed'));
      expect(recording).toMatchObject({ level: 'error', data: { err: expect.any(Error) } });
      expect(String((recording!.data as { err: Error }).err)).toContain('test_no_answers');

      other.start();
      await waitFor('the sweep failure logged', () =>
        logged.some((l) => l.message === 'idempotency: sweeping expired keys failed'),
      );
      const sweep = logged.find((l) => l.message === 'idempotency: sweeping expired keys failed')!;
      const { err } = sweep.data as { err: Error };
      // Drizzle's error names the query; the database's own is its cause.
      expect(`${err} ${err.cause}`).toContain('test: sweeps refused');
      // (The development mailer's line carries the link on purpose: logAcceptLinks is on in tests.)
      const keyLines = logged.filter((l) => l.message.startsWith('idempotency:'));
      const everything = JSON.stringify(keyLines, (_, v) =>
        v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
      );
      expect(everything).not.toContain(secret);
      // Neither is an outage: no "database unavailable" line.
      expect(logged.filter((l) => l.message.includes('unavailable'))).toEqual([]);
    } finally {
      await other.close();
      await db.drop();
    }
  });

  it('frees a reservation whose process died after its lock, and answers 409 until then', async () => {
    const keys = new IdempotencyKeys({ ...ik.database, now }, { lockMs: LOCK });
    const email = fresh('crashed');
    const body = { email_address: email, role: 'org:member' };
    // A request that claimed its key and never finished (its process died).
    const first = await post(orgPath(), body, { 'idempotency-key': 'probe' });
    expect(first.status).toBe(200);
    const idOf = (path: string) => ({ scope: 'secret', method: 'POST', path, key: 'key-crashed' });
    const fingerprint = (
      await rows(ik, sql`SELECT fingerprint FROM idempotency_keys WHERE key = 'probe'`)
    )[0]!.fingerprint as string;
    await keys.claim(idOf(orgPath()), fingerprint);

    const blocked = await post(orgPath(), body, { 'idempotency-key': 'key-crashed' });
    expect(blocked.status).toBe(409);
    offset += LOCK + 1;
    // The same body takes the reservation over and runs: here Clerk's duplicate_record, as the first did.
    const retried = await post(orgPath(), body, { 'idempotency-key': 'key-crashed' });
    expect(retried.status).toBe(400);
    expect((retried.body as any).errors[0].code).toBe('duplicate_record');
    expect(await invitationsTo(email)).toBe(1);
  });
});

describe.each(testDatabases())('answers not stored, through the handler, on $name', (kind) => {
  // A route of its own whose handler fails as told, over the real key store.
  let ik: Invitekit;
  let drop: () => Promise<void>;
  const outcomes: (() => unknown)[] = [];
  let runs = 0;
  let handle: (request: InvitekitRequest) => ReturnType<Invitekit['handle']>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    ik = await createInvitekit({ database: db.config });
    const route = defineRoute({
      method: 'POST',
      path: '/v1/things',
      operationId: 'CreateThing',
      summary: 'test',
      tags: [],
      auth: 'secret',
      body: z.object({ name: z.string() }),
      response: z.unknown(),
      handler: async () => {
        runs++;
        return outcomes.shift()?.() ?? { object: 'thing', run: runs };
      },
    });
    handle = createHandler({
      routes: [route],
      context: { services: ik.services, roles: undefined as never },
      secretKeys: new SecretKeys([SECRET]),
      idempotency: new Idempotency(new IdempotencyKeys({ ...ik.database, now: Date.now })),
    });
  }, 60_000);
  afterAll(async () => {
    await ik?.close();
    await drop?.();
  });

  const create = (key: string) =>
    handle({
      method: 'POST',
      path: '/v1/things',
      query: {},
      headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': key },
      body: { name: 'x' },
    });

  it('drops the reservation of a 500 or a 503, so that the retry runs and its success is stored', async () => {
    const before = runs;
    outcomes.push(() => {
      throw new Error('a bug');
    });
    expect((await create('k-500')).status).toBe(500);
    outcomes.push(() => {
      throw Object.assign(new Error('gone'), { code: 'ECONNREFUSED' });
    });
    expect((await create('k-500')).status).toBe(503);
    const ok = await create('k-500');
    expect([ok.status, ok.body]).toEqual([200, { object: 'thing', run: before + 3 }]);
    const replay = await create('k-500');
    expect([replay.status, replay.body, replay.headers['idempotent-replayed']]).toEqual([
      200,
      ok.body,
      'true',
    ]);
    expect(runs).toBe(before + 3);
  });

  it('stores a non-200 handler answer and a handler 4xx', async () => {
    outcomes.push(() => new StatusResult(202, { accepted: true }));
    expect((await create('k-202')).status).toBe(202);
    expect(await create('k-202')).toMatchObject({ status: 202, body: { accepted: true } });
    outcomes.push(() => {
      throw new InvitekitError({ code: 'resource_not_found', message: 'not found' });
    });
    const refused = await create('k-404');
    const replay = await create('k-404');
    expect([replay.status, replay.body]).toEqual([404, refused.body]);
  });
});

const postgres = testDatabases().find((d) => d.name === 'postgres');

// PostgreSQL behind a TCP proxy (test/support/tcp-proxy.ts): a 503 stores nothing, so a retry succeeds.
describe.skipIf(!postgres)('Idempotency-Key through a database outage (PostgreSQL)', () => {
  const LOCK_MS = 3000;
  let drop: () => Promise<void>;
  let proxy: TcpProxy;
  let ik: Invitekit;
  let direct: pg.Client;
  let orgId: string;

  beforeAll(async () => {
    const db = await postgres!.create();
    drop = db.drop;
    const url = new URL(db.config.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    ik = await createInvitekit({
      database: {
        url: proxy.url(db.config.url!),
        poolSize: 4,
        connectTimeoutMs: 1000,
        statementTimeoutMs: 1000,
      },
      secretKeys: [SECRET],
      idempotency: { lockMs: LOCK_MS },
    });
    direct = new pg.Client({ connectionString: db.config.url! });
    await direct.connect();
    orgId = (await ik.services.organizations.create({ name: 'Outage' })).id;
  }, 60_000);
  afterAll(async () => {
    await proxy?.forward();
    await direct?.end();
    await ik?.close();
    await proxy?.close();
    await drop?.();
  });

  const create = (key: string, email: string) =>
    ik.handle({
      method: 'POST',
      path: `/v1/organizations/${orgId}/invitations`,
      query: {},
      headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': key },
      body: { email_address: email, role: 'org:member' },
    });
  const count = async (email: string) =>
    (await direct.query('SELECT 1 FROM organization_invitations WHERE email_address = $1', [email])).rowCount;
  const reserved = async (key: string) =>
    (await direct.query('SELECT 1 FROM idempotency_keys WHERE key = $1 AND status IS NULL', [key])).rowCount;
  /** Holds the organization's row, so that a create (which locks it to count its limits) waits. */
  const holdOrganization = async () => {
    await direct.query('BEGIN');
    await direct.query('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [orgId]);
  };

  it('a 503 before the key was claimed: the retry runs', async () => {
    await proxy.refuse();
    const down = await create('outage-1', 'o1@example.com');
    expect(down.status).toBe(503);
    await proxy.forward();
    const up = await create('outage-1', 'o1@example.com');
    expect([up.status, up.headers['idempotent-replayed']]).toEqual([200, undefined]);
    expect(await count('o1@example.com')).toBe(1);
  });

  it('a 503 while the request ran (statement timeout): the reservation is dropped and the retry runs at once', async () => {
    await holdOrganization();
    const timedOut = await create('outage-2', 'o2@example.com');
    await direct.query('ROLLBACK');
    expect(timedOut.status).toBe(503);
    expect(await reserved('outage-2')).toBe(0);
    const retry = await create('outage-2', 'o2@example.com');
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([200, undefined]);
    expect(await count('o2@example.com')).toBe(1);
  });

  it('a 503 when the database went away mid-request: the reservation frees after lockMs, then the retry runs', async () => {
    await holdOrganization();
    const running = create('outage-3', 'o3@example.com');
    await waitFor('the reservation', async () => (await reserved('outage-3')) === 1, {
      timeoutMs: 5000,
      intervalMs: 5,
    });
    await proxy.refuse();
    const cut = await running;
    await direct.query('ROLLBACK');
    expect(cut.status).toBe(503);
    await proxy.forward();
    // Dropping the reservation needed the database too: it stays until its lock ends.
    expect(await reserved('outage-3')).toBe(1);
    const early = await create('outage-3', 'o3@example.com');
    expect((early.body as any).errors[0].code).toBe('idempotency_key_in_use');
    const later = await waitFor(
      'the lock to end',
      async () => {
        const res = await create('outage-3', 'o3@example.com');
        return res.status === 200 ? res : null;
      },
      { timeoutMs: LOCK_MS + 10_000, intervalMs: 250 },
    );
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(await count('o3@example.com')).toBe(1);
  }, 30_000);
});
