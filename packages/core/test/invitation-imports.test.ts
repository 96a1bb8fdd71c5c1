import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { createInvitekit, type Invitekit, type InvitekitConfig } from '../src/index.js';

const KEY = 'sk_test_imports';
const auth = { authorization: `Bearer ${KEY}` };
const people = new Map([
  ['Bearer ada', { id: 'user_ada', emailAddresses: [{ emailAddress: 'ada@example.com', verified: true }] }],
  ['Bearer max', { id: 'user_max', emailAddresses: [{ emailAddress: 'max@example.com', verified: true }] }],
]);

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

// Large imports through core's handler, literal in and out, with the import worker and the dispatcher
// started as a server runs them; on PGlite and on PostgreSQL.
describe.each(testDatabases())('invitation imports on $name', (kind) => {
  let ik: Invitekit;
  let drop: () => Promise<void>;
  let adminId: string;

  const open = async (db: Awaited<ReturnType<typeof kind.create>>, extra: Partial<InvitekitConfig> = {}) => {
    const instance = await createInvitekit({
      database: db.config,
      secretKeys: [KEY],
      acceptUrl: 'https://app.example.com/accept',
      limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
      imports: { batchSize: 7, emailsPerSecond: 0, pollIntervalMs: 50 },
      delivery: { pollIntervalMs: 50 },
      authenticate: async (request) => people.get(String(request.headers.authorization)) ?? null,
      ...extra,
    });
    instance.start();
    return instance;
  };

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    ik = await open(db);
    const ada = await ik.services.users.create({ emailAddresses: ['ada@example.com'], firstName: 'Ada' });
    adminId = ada.id;
  });
  afterAll(async () => {
    await ik?.close();
    await drop?.();
  });

  const newOrg = async (name: string, maxAllowedMemberships?: number) =>
    (await ik.services.organizations.create({ name, createdBy: adminId, maxAllowedMemberships })).id;

  const post = (orgId: string, body: unknown, query: Record<string, string> = {}, headers = auth) =>
    ik.handle({
      method: 'POST',
      path: `/v1/organizations/${orgId}/invitations/import`,
      query,
      headers: { ...headers, 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' },
      body,
    });

  const get = (orgId: string, importId: string, query: Record<string, string> = {}) =>
    ik.handle({
      method: 'GET',
      path: `/v1/organizations/${orgId}/invitations/imports/${importId}`,
      query,
      headers: auth,
    });

  /** Polls the progress endpoint until the import is completed. */
  async function finished(orgId: string, importId: string, query: Record<string, string> = { limit: '500' }) {
    for (let i = 0; i < 400; i++) {
      const res = await get(orgId, importId, query);
      expect(res.status).toBe(200);
      if ((res.body as { status: string }).status === 'completed') return res.body as any;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the import did not complete');
  }

  const results = (body: any) =>
    Object.fromEntries(body.rows.data.map((r: any) => [r.row, [r.email_address, r.result]]));

  it('reads CSV with a BOM, quoted fields, CRLF, blank lines and header variants, and creates the invitations', async () => {
    const orgId = await newOrg('Csv');
    const csv =
      '\uFEFF"E-mail", Role ,Public Metadata,LOCALE\r\n' +
      'One@Example.com,org:member,"{""team"":""a, b""}",en-us\r\n' +
      '\r\n' +
      '"two@example.com",org:admin,,\r\n' +
      'three@example.com,org:member,"{""quote"":""say \\""hi\\""""}",pt-BR\r\n';
    const res = await post(orgId, csv, { inviter_user_id: adminId });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ object: 'invitation_import', total_rows: 3, organization_id: orgId });
    const done = await finished(orgId, (res.body as any).id);
    expect(done).toMatchObject({ processed_rows: 3, counts: { created: 3, invalid: 0 } });
    expect(done.rows.data.map((r: any) => [r.email_address, r.role, r.locale, r.result])).toEqual([
      ['one@example.com', 'org:member', 'en-US', 'created'],
      ['two@example.com', 'org:admin', null, 'created'],
      ['three@example.com', 'org:member', 'pt-BR', 'created'],
    ]);
    const list = await ik.services.organizationInvitations.list(orgId, { limit: 10 });
    const byEmail = new Map(list.data.map((i) => [i.emailAddress, i]));
    expect(byEmail.get('one@example.com')).toMatchObject({
      publicMetadata: { team: 'a, b' },
      inviterId: adminId,
    });
    expect(byEmail.get('three@example.com')?.publicMetadata).toEqual({ quote: 'say "hi"' });
    expect(done.rows.data[0].invitation_id).toBe(byEmail.get('one@example.com')?.id);
  });

  it('takes JSON rows, with a default role from the query', async () => {
    const orgId = await newOrg('Json');
    const res = await post(
      orgId,
      [
        { email_address: 'j1@example.com', private_metadata: { seat: 1 } },
        { email: 'j2@example.com', role: 'org:admin', locale: 'de' },
      ],
      { role: 'org:member', notify: 'false' },
    );
    expect(res.status).toBe(202);
    const done = await finished(orgId, (res.body as any).id);
    expect(done.rows.data.map((r: any) => [r.email_address, r.role, r.result])).toEqual([
      ['j1@example.com', 'org:member', 'created'],
      ['j2@example.com', 'org:admin', 'created'],
    ]);
    const list = await ik.services.organizationInvitations.list(orgId);
    expect(list.data.every((i) => i.notify === false)).toBe(true);
  });

  it('refuses 10,001 rows, CSV or JSON, and an empty or malformed upload, writing nothing', async () => {
    const orgId = await newOrg('Big');
    const rows = Array.from({ length: 10_001 }, (_, i) => ({
      email_address: `u${i}@example.com`,
      role: 'org:member',
    }));
    const json = await post(orgId, rows);
    expect(json.status).toBe(422);
    expect(json.body).toMatchObject({
      errors: [{ code: 'form_param_exceeds_allowed_size', meta: { limit: 10_000 } }],
    });
    const csv = await post(
      orgId,
      `email,role\n${rows.map((r) => `${r.email_address},org:member`).join('\n')}\n`,
    );
    expect(csv.status).toBe(422);
    expect((await post(orgId, [])).status).toBe(422);
    expect((await post(orgId, 'email,role\n')).status).toBe(422);
    const unclosed = await post(orgId, 'email,role\n"a@example.com,org:member\n');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body).toMatchObject({ errors: [{ code: 'malformed_request_body' }] });
    const unknown = await post(orgId, 'email,rol\na@example.com,org:member\n');
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({
      errors: [{ code: 'form_param_unknown', meta: { columns: ['rol'] } }],
    });
    const [counted] = rowsOf<{ n: number }>(
      await ik.database.db.execute(
        sql`SELECT count(*)::int AS n FROM invitation_imports WHERE organization_id = ${orgId}`,
      ),
    );
    expect(counted?.n).toBe(0);
  });

  it('refuses an unknown organization, an inviter who is not an admin, and bad options', async () => {
    const orgId = await newOrg('Opts');
    const member = await ik.services.users.create({ emailAddresses: ['plain@example.com'] });
    await ik.services.memberships.create(orgId, { userId: member.id, role: 'org:member' });
    const row = [{ email_address: 'x@example.com', role: 'org:member' }];
    expect((await post('org_missing', row)).status).toBe(404);
    const notAdmin = await post(orgId, row, { inviter_user_id: member.id });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body).toMatchObject({ errors: [{ code: 'not_an_admin_in_organization' }] });
    expect((await post(orgId, row, { role: 'org:boss' })).status).toBe(422);
    expect((await post(orgId, row, { expires_in_days: '400' })).status).toBe(422);
    expect((await post(orgId, row, { redirect_url: 'https://evil.example.net/' })).status).toBe(422);
    expect((await post(orgId, row, {}, { authorization: 'Bearer sk_wrong' })).status).toBe(401);
  });

  it('reports invalid rows with their reasons and never invites them', async () => {
    const orgId = await newOrg('Invalid');
    const res = await post(orgId, [
      { email_address: 'not-an-address', role: 'org:member' },
      { email_address: 'ok@example.com', role: 'org:boss' },
      { email_address: 'meta@example.com', role: 'org:member', public_metadata: '[1]' },
      { email_address: 'loc@example.com', role: 'org:member', locale: 'en_US!' },
      { role: 'org:member' },
      'just a string',
      { email_address: 'extra@example.com', role: 'org:member', colour: 'red' },
      { email_address: 'norole@example.com' },
      { email_address: 'fine@example.com', role: 'org:member' },
    ]);
    expect(res.status).toBe(202);
    const done = await finished(orgId, (res.body as any).id);
    expect(done.counts).toMatchObject({ invalid: 8, created: 1 });
    const reasons = done.rows.data.map((r: any) => [r.row, r.result, r.reason]);
    expect(reasons).toEqual([
      [1, 'invalid', expect.stringContaining('is not a valid email address')],
      [2, 'invalid', expect.stringContaining('is not a role')],
      [3, 'invalid', 'public_metadata must be a JSON object'],
      [4, 'invalid', expect.stringContaining('BCP 47')],
      [5, 'invalid', 'email_address is missing'],
      [6, 'invalid', 'Each row must be an object'],
      [7, 'invalid', expect.stringContaining('colour')],
      [8, 'invalid', expect.stringContaining('role is missing')],
      [9, 'created', null],
    ]);
    const invalidOnly = await get(orgId, (res.body as any).id, {
      result: 'invalid',
      limit: '3',
      offset: '6',
    });
    expect((invalidOnly.body as any).rows).toMatchObject({ total_count: 8, data: [{ row: 7 }, { row: 8 }] });
  });

  it('checks locales as every other route does (locale.ts): up to 64 characters, one message', async () => {
    const orgId = await newOrg('Locales');
    // 36 characters: a valid tag that an import's own 35-character limit used to refuse.
    const long = 'de-DE-u-co-phonebk-ca-gregory-nu-latn';
    const res = await post(orgId, [
      { email_address: 'long@example.com', role: 'org:member', locale: long },
      { email_address: 'bad@example.com', role: 'org:member', locale: 'en_US!' },
      { email_address: 'num@example.com', role: 'org:member', locale: 7 },
    ]);
    const done = await finished(orgId, (res.body as any).id);
    const shared = 'locale must be a BCP 47 language tag such as en, fr or de-AT';
    expect(done.rows.data.map((r: any) => [r.result, r.locale, r.reason])).toEqual([
      ['created', Intl.getCanonicalLocales(long)[0], null],
      ['invalid', null, shared],
      ['invalid', null, shared],
    ]);
    // The same message a create answers for the same value.
    const create = await ik.handle({
      method: 'POST',
      path: `/v1/organizations/${orgId}/invitations`,
      query: {},
      headers: { ...auth, 'content-type': 'application/json' },
      body: { email_address: 'c@example.com', role: 'org:member', locale: 'en_US!' },
    });
    expect((create.body as any).errors[0].long_message).toBe(shared);
  });

  it('makes the remaining rows invalid once the inviter is no longer an admin, creating none of them', async () => {
    const db = await kind.create();
    // Not started: the test runs the worker's batches itself, around the demotion.
    const paused = await createInvitekit({
      database: db.config,
      secretKeys: [KEY],
      acceptUrl: 'https://app.example.com/accept',
      imports: { batchSize: 2 },
    });
    try {
      const ada = await paused.services.users.create({ emailAddresses: ['ada@example.com'] });
      const bob = await paused.services.users.create({ emailAddresses: ['bob@example.com'] });
      const org = await paused.services.organizations.create({ name: 'Demoted', createdBy: ada.id });
      await paused.services.memberships.create(org.id, { userId: bob.id, role: 'org:admin' });
      const rows = [1, 2, 3, 4].map((i) => ({ email_address: `d${i}@example.com`, role: 'org:member' }));
      const started = await paused.services.invitationImports.start(org.id, rows, { inviterUserId: ada.id });
      expect(await paused.services.invitationImports.processNextBatch()).toBe(2);
      await paused.services.memberships.updateRole(org.id, ada.id, 'org:member');
      expect(await paused.services.invitationImports.processNextBatch()).toBe(2);

      const job = await paused.services.invitationImports.get(org.id, started.id);
      expect(job).toMatchObject({ status: 'completed', counts: { created: 2, invalid: 2 } });
      const listed = await paused.services.invitationImports.listRows(org.id, started.id);
      expect(listed.data.map((r) => [r.row, r.result, r.reason])).toEqual([
        [1, 'created', null],
        [2, 'created', null],
        [3, 'invalid', `The inviter (${ada.id}) is no longer an admin of the organization`],
        [4, 'invalid', `The inviter (${ada.id}) is no longer an admin of the organization`],
      ]);
      const invitations = await paused.services.organizationInvitations.list(org.id);
      expect(invitations.data.map((i) => i.emailAddress).sort()).toEqual([
        'd1@example.com',
        'd2@example.com',
      ]);

      // Removed from the organization altogether: the same.
      await paused.services.memberships.updateRole(org.id, ada.id, 'org:admin');
      const again = await paused.services.invitationImports.start(org.id, [rows[2]!], {
        inviterUserId: ada.id,
      });
      await paused.services.memberships.delete(org.id, ada.id);
      expect(await paused.services.invitationImports.processNextBatch()).toBe(1);
      expect((await paused.services.invitationImports.get(org.id, again.id)).counts).toMatchObject({
        invalid: 1,
        created: 0,
      });
    } finally {
      await paused.close();
      await db.drop();
    }
  });

  it('de-duplicates against members, pending invitations and earlier rows of the file; an expired invitation frees its address', async () => {
    const orgId = await newOrg('Dedupe');
    const member = await ik.services.users.create({ emailAddresses: ['member@example.com'] });
    await ik.services.memberships.create(orgId, { userId: member.id, role: 'org:member' });
    await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'pending@example.com',
      role: 'org:member',
    });
    const old = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'old@example.com',
      role: 'org:member',
    });
    await ik.database.db.execute(
      sql`UPDATE organization_invitations SET expires_at = 1 WHERE id = ${old.id}`,
    );
    const csv = [
      'email,role',
      'member@example.com,org:member',
      'PENDING@example.com,org:member',
      'new@example.com,org:member',
      ' New@Example.com ,org:admin',
      'old@example.com,org:member',
      'ada@example.com,org:member',
    ].join('\n');
    const res = await post(orgId, csv);
    const done = await finished(orgId, (res.body as any).id);
    expect(results(done)).toEqual({
      1: ['member@example.com', 'already_member'],
      2: ['pending@example.com', 'already_invited'],
      3: ['new@example.com', 'created'],
      4: ['new@example.com', 'duplicate'],
      5: ['old@example.com', 'created'],
      6: ['ada@example.com', 'already_member'],
    });
    expect(done.rows.data[3].reason).toBe('Same address as row 3');
    const invitations = await ik.services.organizationInvitations.list(orgId, { statuses: ['pending'] });
    expect(invitations.data.map((i) => i.emailAddress).sort()).toEqual([
      'new@example.com',
      'old@example.com',
      'pending@example.com',
    ]);
    expect((await ik.services.organizationInvitations.get(orgId, old.id)).status).toBe('expired');
  });

  it('emails each created invitation once, paced at emailsPerSecond through the outbox', async () => {
    const db = await kind.create();
    const paced = await createInvitekit({
      database: db.config,
      limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
      imports: { batchSize: 4, emailsPerSecond: 10 },
      delivery: { pollIntervalMs: 50 },
    });
    try {
      const org = await paced.services.organizations.create({ name: 'Paced' });
      const rows = Array.from({ length: 10 }, (_, i) => ({
        email_address: `p${i}@example.com`,
        role: 'org:member',
      }));
      const started = await paced.services.invitationImports.start(org.id, rows);
      // Three batches (4, 4, 2), driven here before any dispatcher runs, so the outbox shows their times.
      const sizes: number[] = [];
      for (;;) {
        const n = await paced.services.invitationImports.processNextBatch();
        sizes.push(n);
        if (n === 0) break;
      }
      expect(sizes).toEqual([4, 4, 2, 0]);
      expect((await paced.services.invitationImports.get(org.id, started.id)).status).toBe('completed');
      const due = rowsOf<{ next_attempt_at: string }>(
        await paced.database.db.execute(
          sql`SELECT next_attempt_at FROM outbox WHERE kind = 'email' ORDER BY next_attempt_at`,
        ),
      );
      // 100 ms apart, across batches, whatever the batches' own times.
      const first = Number(due[0]!.next_attempt_at);
      expect(due.map((d) => Number(d.next_attempt_at) - first)).toEqual([
        0, 100, 200, 300, 400, 500, 600, 700, 800, 900,
      ]);
      paced.start();
      for (let i = 0; i < 100 && (paced.devMailer?.messages().length ?? 0) < 10; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const sent = paced.devMailer!.messages().map((m) => m.to);
      expect(sent.sort()).toEqual(rows.map((r) => r.email_address).sort());
    } finally {
      await paced.close();
      await db.drop();
    }
  });

  it('reports rows over the membership quota as quota_exceeded and over a limit as limit_exceeded', async () => {
    // Quota 4: Ada (the creator) is a member, so 3 invitations fit.
    const orgId = await newOrg('Quota', 4);
    const rows = Array.from({ length: 5 }, (_, i) => ({
      email_address: `q${i}@example.com`,
      role: 'org:member',
    }));
    const done = await finished(orgId, ((await post(orgId, rows)).body as any).id);
    expect(done.counts).toMatchObject({ created: 3, quota_exceeded: 2 });
    expect(done.rows.data[4]).toMatchObject({
      result: 'quota_exceeded',
      reason: expect.stringContaining('limit of 4 memberships'),
    });

    const db = await kind.create();
    const limited = await open(db, { limits: { maxPendingPerOrganization: 2, maxPerInviterPerHour: 0 } });
    try {
      const org = await limited.services.organizations.create({ name: 'Limited' });
      const started = await limited.services.invitationImports.start(org.id, rows);
      for (
        let i = 0;
        i < 200 && (await limited.services.invitationImports.get(org.id, started.id)).status !== 'completed';
        i++
      ) {
        await new Promise((r) => setTimeout(r, 25));
      }
      const job = await limited.services.invitationImports.get(org.id, started.id);
      expect(job.counts).toMatchObject({ created: 2, limit_exceeded: 3 });
      const list = await limited.services.invitationImports.listRows(org.id, started.id, {
        result: ['limit_exceeded'],
      });
      expect(list.data[0]?.reason).toContain('maxPendingPerOrganization');
    } finally {
      await limited.close();
      await db.drop();
    }
  });

  it('serves admins through the Frontend API (they are the inviter) and refuses anyone else', async () => {
    const orgId = await newOrg('Fapi');
    // Signing in adds Ada's and Max's session users to the directory; Ada becomes an admin, Max a member.
    for (const who of ['Bearer ada', 'Bearer max']) {
      await ik.handle({
        method: 'GET',
        path: '/frontend/v1/me/organization_invitations',
        query: {},
        headers: { authorization: who },
      });
    }
    await ik.services.memberships.create(orgId, { userId: 'user_ada', role: 'org:admin' });
    await ik.services.memberships.create(orgId, { userId: 'user_max', role: 'org:member' });
    const fapi = (method: string, path: string, who: string | null, body?: unknown) =>
      ik.handle({
        method,
        path: `/frontend/v1/organizations/${orgId}/invitations/${path}`,
        query: {},
        headers: who ? { authorization: who, 'content-type': 'text/csv' } : {},
        body,
      });
    const res = await fapi('POST', 'import', 'Bearer ada', 'email\nf1@example.com\n');
    // No role column and no ?role=: the row is invalid, the upload is accepted.
    expect(res.status).toBe(202);
    const ok = await fapi('POST', 'import', 'Bearer ada', 'email,role\nf1@example.com,org:member\n');
    expect(ok.status).toBe(202);
    const { response } = ok.body as any;
    expect(response).toMatchObject({ object: 'invitation_import', inviter_user_id: 'user_ada' });
    let progress: any;
    for (let i = 0; i < 200; i++) {
      progress = await fapi('GET', `imports/${response.id}`, 'Bearer ada');
      if (progress.body.response.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(progress.status).toBe(200);
    expect(progress.body.response.rows.data[0]).toMatchObject({
      result: 'created',
      email_address: 'f1@example.com',
    });
    expect(JSON.stringify(progress.body)).not.toContain('private_metadata');

    // No metadata from a browser, as on the Frontend API's create and edit: the whole upload is refused.
    for (const [body, column] of [
      ['email,role,metadata\nm1@example.com,org:member,"{""plan"":""pro""}"\n', 'public_metadata'],
      ['email,role,private_metadata\nm1@example.com,org:member,\n', 'private_metadata'],
      [[{ email_address: 'm1@example.com', role: 'org:member', public_metadata: {} }], 'public_metadata'],
      [
        [
          { email_address: 'm1@example.com', role: 'org:member' },
          { email_address: 'm2@example.com', role: 'org:member', private_metadata: { seat: 1 } },
        ],
        'private_metadata',
      ],
    ] as const) {
      const refused = await ik.handle({
        method: 'POST',
        path: `/frontend/v1/organizations/${orgId}/invitations/import`,
        query: {},
        headers: {
          authorization: 'Bearer ada',
          'content-type': typeof body === 'string' ? 'text/csv' : 'application/json',
        },
        body,
      });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        errors: [
          {
            code: 'form_param_unknown',
            long_message: expect.stringContaining('The Frontend API does not take'),
            meta: { param_name: column },
          },
        ],
      });
    }
    const imports = await ik.database.db.execute(
      sql`SELECT count(*)::int AS n FROM invitation_import_rows WHERE email_address LIKE 'm_@example.com'`,
    );
    expect(rowsOf<{ n: number }>(imports)[0]!.n).toBe(0);

    const max = await fapi('POST', 'import', 'Bearer max', 'email,role\nf2@example.com,org:member\n');
    expect(max.status).toBe(403);
    expect(max.body).toMatchObject({ errors: [{ code: 'not_an_admin_in_organization' }] });
    expect((await fapi('GET', `imports/${response.id}`, 'Bearer max')).status).toBe(403);
    expect((await fapi('GET', `imports/${response.id}`, null)).status).toBe(401);
    expect((await get(orgId, 'invimp_missing')).status).toBe(404);
  });
});
