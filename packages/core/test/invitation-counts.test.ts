import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { waitFor } from '../../../test/support/smtp.js';
import { createInvitekit, type Invitekit } from '../src/index.js';
import { uncommonStretch } from '../src/services/email-search.js';

// An organization's list total_count comes from counters kept by triggers (migration 0017) instead of a
// count over the rows. After every kind of write, on both databases, each filter's total_count through the
// real request handler must equal a real count(*) of the rows it lists.

const KEY = 'sk_test_counts';
const DAY = 24 * 60 * 60 * 1000;
const FILTERS: string[][] = [
  [],
  ['pending'],
  ['accepted'],
  ['revoked'],
  ['expired'],
  ['pending', 'expired'],
  ['accepted', 'revoked', 'expired'],
];

type Body = Record<string, any>;

describe.each(testDatabases())('invitation counts on $name', (kind) => {
  let ik: Invitekit;
  let drop: () => Promise<void>;
  let clock = Date.UTC(2026, 0, 10, 9, 0);
  let adminId: string;
  let orgId: string;
  let otherOrgId: string;
  let bobId: string;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    ik = await createInvitekit({
      database: db.config,
      secretKeys: [KEY],
      now: () => clock,
      mailer: { send: async () => {} },
      sweeper: { intervalMs: 20, batchSize: 2 },
      imports: { batchSize: 2 },
    });
    adminId = (await ik.services.users.create({ emailAddresses: ['ada@example.com'] })).id;
    orgId = (await ik.services.organizations.create({ name: 'Counted', createdBy: adminId })).id;
    otherOrgId = (await ik.services.organizations.create({ name: 'Other', createdBy: adminId })).id;
  });
  afterAll(async () => {
    await ik?.close();
    await drop?.();
  });

  const call = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, query = {}) => {
    const res = (await ik.handle({
      method,
      path,
      query,
      headers: { authorization: `Bearer ${KEY}` },
      body,
    })) as { status: number; body: Body };
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const invite = (email: string, organizationId = orgId, extra: Body = {}) =>
    call('POST', `/v1/organizations/${organizationId}/invitations`, {
      email_address: email,
      role: 'org:member',
      ...extra,
    });

  /** What a filter lists, from the rows with the reads' own rule for `expired`: its count and first page. */
  async function real(organizationId: string, statuses: string[], email?: string) {
    const result = await ik.database.db.execute(sql`
      SELECT id, count(*) OVER ()::int AS n FROM organization_invitations
      WHERE organization_id = ${organizationId} AND organization_domain_id IS NULL
        AND (${email ?? null}::text IS NULL OR email_address = ${email ?? null})
        AND (${statuses.length === 0} OR (CASE WHEN status = 'pending' AND expires_at <= ${clock} THEN 'expired'
             ELSE status END) = ANY(${`{${statuses.join(',')}}`}::text[]))
      ORDER BY created_at DESC, id DESC`);
    const rows = (result as unknown as { rows: { id: string; n: number }[] }).rows;
    return { n: rows[0]?.n ?? 0, ids: rows.slice(0, 3).map((r) => r.id) };
  }

  async function expectExact(step: string) {
    const filters: { statuses: string[]; email?: string }[] = [
      ...FILTERS.map((statuses) => ({ statuses })),
      { statuses: [], email: 'short@example.com' },
      { statuses: [], email: 'B@example.com' },
      { statuses: ['pending'], email: 'short@example.com' },
    ];
    for (const organizationId of [orgId, otherOrgId]) {
      for (const { statuses, email } of filters) {
        const label = `${step}: ${statuses.join('|') || 'all'}${email ? ` ${email}` : ''}`;
        const query = {
          limit: '3',
          ...(statuses.length ? { status: statuses } : {}),
          ...(email ? { email_address: email } : {}),
        };
        const [listed, byEmail] = await Promise.all([
          call('GET', `/v1/organizations/${organizationId}/invitations`, undefined, query),
          call('GET', `/v1/organizations/${organizationId}/invitations`, undefined, {
            ...query,
            order_by: 'email_address',
          }),
        ]);
        const expected = await real(organizationId, statuses, email?.toLowerCase());
        expect(listed.total_count, label).toBe(expected.n);
        expect(
          listed.data.map((i: Body) => i.id),
          label,
        ).toEqual(expected.ids);
        expect(byEmail.total_count, `${label} by email`).toBe(expected.n);
      }
    }
  }

  it('keeps total_count exact for every filter through every transition', async () => {
    await expectExact('empty');
    const a = await invite('a@example.com');
    const b = await invite('b@example.com');
    await invite('short@example.com', orgId, { expires_in_days: 1 });
    await invite('elsewhere@example.com', otherOrgId);
    await expectExact('create');

    await call(
      'POST',
      `/v1/organizations/${orgId}/invitations/bulk`,
      ['c', 'd', 'e', 'f'].map((n) => ({ email_address: `${n}@example.com`, role: 'org:member' })),
    );
    await expectExact('bulk');

    const bob = await ik.services.users.create({ emailAddresses: ['a@example.com'] });
    bobId = bob.id;
    await ik.services.acceptance.acceptOrganizationInvitation(a.id, {
      id: bob.id,
      emailAddresses: [{ emailAddress: 'a@example.com', verified: true }],
    });
    await expectExact('accept');

    await call('POST', `/v1/organizations/${orgId}/invitations/${b.id}/revoke`, {});
    await expectExact('revoke');

    const listed = await call('GET', `/v1/organizations/${orgId}/invitations`, undefined, {
      status: 'pending',
    });
    const c = listed.data.find((i: Body) => i.email_address === 'c@example.com');
    await call('POST', `/v1/organizations/${orgId}/invitations/${c.id}/resend`, {});
    await expectExact('resend');
    await call('PATCH', `/v1/organizations/${orgId}/invitations/${c.id}`, {
      role: 'org:admin',
      expires_in_days: 1,
    });
    await expectExact('edit (expiry shortened)');

    // Two days on: three pending invitations are expired by time, with no write yet.
    clock += 2 * DAY;
    await expectExact('expired by time, not swept');
    const after = await invite('later@example.com');
    await expectExact('create after expiry');
    // The expired by time can be invited again; the stored rows stay pending until swept.
    await invite('short@example.com');
    await expectExact('re-invite of an address expired by time');

    ik.start();
    await waitFor('the sweep', async () => {
      const r = await ik.database.db.execute(
        sql`SELECT count(*)::int AS n FROM organization_invitations WHERE status = 'pending' AND expires_at <= ${clock}`,
      );
      return (r as unknown as { rows: { n: number }[] }).rows[0]!.n === 0;
    });
    await expectExact('expiry sweep');

    // Automatic invitations (verified domain) are not listed nor counted; their changes leave the counts.
    await call('POST', `/v1/organizations/${orgId}/domains`, {
      name: 'auto.example.com',
      enrollment_mode: 'automatic_invitation',
    });
    await ik.services.users.create({ emailAddresses: ['joe@auto.example.com'] });
    const automatic = await ik.database.db.execute(
      sql`SELECT id FROM organization_invitations WHERE organization_domain_id IS NOT NULL`,
    );
    expect((automatic as unknown as { rows: unknown[] }).rows).toHaveLength(1);
    await expectExact('automatic invitation');
    await ik.database.db.execute(
      sql`UPDATE organization_invitations SET status = 'revoked' WHERE organization_domain_id IS NOT NULL`,
    );
    await expectExact('automatic invitation revoked');

    const started = await ik.services.invitationImports.start(
      orgId,
      ['i1', 'i2', 'i3'].map((n) => ({ email_address: `${n}@example.com`, role: 'org:member' })),
      { inviterUserId: adminId },
    );
    await waitFor('the import', async () => {
      const job = await ik.services.invitationImports.get(orgId, started.id);
      return job.status === 'completed';
    });
    await expectExact('import');

    // Deletes (no route deletes one invitation; the trigger must still hold).
    await ik.database.db.execute(
      sql`DELETE FROM organization_invitations WHERE id IN (${after.id}, ${c.id}) OR organization_domain_id IS NOT NULL`,
    );
    await expectExact('delete');
    // A status written back and forth, and a move out of the list (set as an automatic invitation).
    await ik.database.db.execute(
      sql`UPDATE organization_invitations SET status = 'pending', expires_at = ${clock + DAY}
          WHERE organization_id = ${orgId} AND email_address = 'b@example.com'`,
    );
    await ik.database.db.execute(
      sql`UPDATE organization_invitations SET organization_domain_id = 'dom_x'
          WHERE organization_id = ${orgId} AND email_address = 'd@example.com'`,
    );
    await expectExact('updates by hand');
  });

  it("answers the instance-wide search and a person's invitations with exact totals, past the end too", async () => {
    // A sample of the addresses (pg_stats), so that searches take the index with uncommon trigrams only.
    await ik.database.db.execute(sql`ANALYZE organization_invitations`);
    for (const query of [
      'example',
      'short@',
      'ort@exa',
      'hort',
      'i2@example',
      'nobody',
      'E@EXAMPLE.COM',
      '%',
      '_',
    ]) {
      for (const offset of ['0', '1', '50']) {
        const listed = await call('GET', '/v1/organization_invitations', undefined, {
          query,
          limit: '2',
          offset,
        });
        const result = await ik.database.db.execute(sql`
          SELECT id, count(*) OVER ()::int AS n FROM organization_invitations
          WHERE organization_domain_id IS NULL AND strpos(email_address, ${query.toLowerCase()}) > 0
          ORDER BY created_at DESC, id DESC LIMIT 2 OFFSET ${Number(offset)}`);
        const rows = (result as unknown as { rows: { id: string; n: number }[] }).rows;
        const [{ n }] = (
          (await ik.database.db.execute(sql`SELECT count(*)::int AS n FROM organization_invitations
            WHERE organization_domain_id IS NULL AND strpos(email_address, ${query.toLowerCase()}) > 0`)) as unknown as {
            rows: { n: number }[];
          }
        ).rows as [{ n: number }];
        expect(listed.total_count, `${query} +${offset}`).toBe(n);
        expect(
          listed.data.map((i: Body) => i.id),
          `${query} +${offset}`,
        ).toEqual(rows.map((r) => r.id));
      }
    }
    // Concurrent searches with status filters go together in one statement: each is answered on its own.
    const searches: [string, string[], string][] = [
      ['hort', ['pending'], '0'],
      ['hort', ['expired'], '0'],
      ['hort', [], '1'],
      ['i2@example', ['pending', 'expired'], '0'],
      ['exa', ['revoked'], '0'],
      ['nobody', [], '0'],
      ['b@exam', ['accepted', 'revoked'], '5'],
    ];
    const answers = await Promise.all(
      searches.map(([query, statuses, offset]) =>
        call('GET', '/v1/organization_invitations', undefined, {
          query,
          limit: '2',
          offset,
          ...(statuses.length ? { status: statuses } : {}),
        }),
      ),
    );
    for (const [i, [query, statuses, offset]] of searches.entries()) {
      const result = await ik.database.db.execute(sql`
        SELECT id, count(*) OVER ()::int AS n FROM organization_invitations
        WHERE organization_domain_id IS NULL AND strpos(email_address, ${query}) > 0
          AND (${statuses.length === 0} OR (CASE WHEN status = 'pending' AND expires_at <= ${clock} THEN 'expired'
               ELSE status END) = ANY(${`{${statuses.join(',')}}`}::text[]))
        ORDER BY created_at DESC, id DESC`);
      const rows = (result as unknown as { rows: { id: string; n: number }[] }).rows;
      const label = `${query} ${statuses.join('|')} +${offset}`;
      expect(answers[i]!.total_count, label).toBe(rows[0]?.n ?? 0);
      expect(
        answers[i]!.data.map((r: Body) => r.id),
        label,
      ).toEqual(rows.slice(Number(offset), Number(offset) + 2).map((r) => r.id));
    }
    for (const status of [undefined, 'pending', 'accepted']) {
      const query = status ? { status } : {};
      const listed = await call('GET', `/v1/users/${bobId}/organization_invitations`, undefined, query);
      const past = await call('GET', `/v1/users/${bobId}/organization_invitations`, undefined, {
        ...query,
        offset: '9',
      });
      const result = await ik.database.db.execute(sql`
        SELECT count(*)::int AS n FROM organization_invitations WHERE email_address = 'a@example.com'
          AND (${status ?? null}::text IS NULL OR status = ${status ?? null})`);
      const { n } = (result as unknown as { rows: { n: number }[] }).rows[0]!;
      expect(listed.total_count, String(status)).toBe(n);
      expect(past.total_count, `${status} past the end`).toBe(n);
    }

    // A person's pages, several at once (one batched statement), against the rows: every status, one
    // expired by time and not swept, newest first.
    const third = (await ik.services.organizations.create({ name: 'Third', createdBy: adminId })).id;
    const fourth = (await ik.services.organizations.create({ name: 'Fourth', createdBy: adminId })).id;
    await invite('a@example.com', otherOrgId);
    const revoked = await invite('a@example.com', third);
    await call('POST', `/v1/organizations/${third}/invitations/${revoked.id}/revoke`, {});
    await invite('a@example.com', third, { expires_in_days: 1 });
    await invite('a@example.com', fourth);
    clock += 1.5 * DAY;
    const cases: [string[], string][] = [
      [[], '0'],
      [[], '2'],
      [['pending'], '0'],
      [['expired'], '0'],
      [['pending', 'revoked'], '1'],
      [['accepted'], '0'],
      [[], '50'],
    ];
    const pages = await Promise.all(
      cases.map(([statuses, offset]) =>
        call('GET', `/v1/users/${bobId}/organization_invitations`, undefined, {
          limit: '2',
          offset,
          ...(statuses.length ? { status: statuses } : {}),
        }),
      ),
    );
    for (const [i, [statuses, offset]] of cases.entries()) {
      const result = await ik.database.db.execute(sql`
        SELECT id, count(*) OVER ()::int AS n FROM organization_invitations
        WHERE email_address = 'a@example.com'
          AND (${statuses.length === 0} OR (CASE WHEN status = 'pending' AND expires_at <= ${clock} THEN 'expired'
               ELSE status END) = ANY(${`{${statuses.join(',')}}`}::text[]))
        ORDER BY created_at DESC, id DESC`);
      const rows = (result as unknown as { rows: { id: string; n: number }[] }).rows;
      const label = `${statuses.join('|') || 'all'} +${offset}`;
      expect(pages[i]!.total_count, label).toBe(rows[0]?.n ?? 0);
      expect(
        pages[i]!.data.map((r: Body) => [r.id, r.status, r.public_organization_data.id]),
        label,
      ).toEqual(
        await Promise.all(
          rows.slice(Number(offset), Number(offset) + 2).map(async (r) => {
            const [one] = (
              (await ik.database.db.execute(
                sql`SELECT organization_id, CASE WHEN status = 'pending' AND expires_at <= ${clock} THEN 'expired'
                    ELSE status END AS status FROM organization_invitations WHERE id = ${r.id}`,
              )) as unknown as { rows: { organization_id: string; status: string }[] }
            ).rows;
            return [r.id, one!.status, one!.organization_id];
          }),
        ),
      );
    }
    expect(pages[0]!.total_count).toBeGreaterThanOrEqual(5);
    const unknown = await ik.handle({
      method: 'GET',
      path: '/v1/users/user_unknown/organization_invitations',
      query: {},
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('uncommonStretch', () => {
  const sample = Array.from({ length: 100 }, (_, i) => `user${i * 997}-mail@example.com`);
  it('keeps the longest run of uncommon trigrams, of 4 characters or more', () => {
    expect(uncommonStretch('user4242-', sample)).toBe('r4242');
    expect(uncommonStretch('jane.doe@acme.io', sample)).toBe('jane');
    // Every trigram common, or too short a stretch: the whole query is the pattern.
    expect(uncommonStretch('user-mail@example.com', sample)).toBeNull();
    expect(uncommonStretch('xyz', sample)).toBeNull();
    expect(uncommonStretch('user4242', [])).toBeNull();
  });
});
