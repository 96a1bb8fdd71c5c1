import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitekit, type Invitekit } from '../src/index.js';
import { analyzeChangedTables } from '../src/storage/pglite-analyze.js';
import { listOrganizationInvitationPages } from '../src/storage/statements.js';

// PGlite has no autovacuum: without the analyze step, the first page's generic plan was made for tables
// that looked empty and sorted an organization's every invitation on each call (bench/README.md, "Memory").
describe('PGlite: statistics kept without autovacuum', () => {
  let ik: Invitekit;
  let orgId: string;

  beforeAll(async () => {
    ik = await createInvitekit({
      database: { dataDir: 'memory://' },
      limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
    });
    orgId = (await ik.services.organizations.create({ name: 'Stats' })).id;
    for (let i = 0; i < 300; i++) {
      await ik.services.organizationInvitations.createMany(
        orgId,
        Array.from({ length: 10 }, (_, j) => ({
          emailAddress: `p${i}-${j}@stats.example`,
          role: 'org:member',
          notify: false,
        })),
      );
    }
  }, 60_000);
  afterAll(() => ik.close());

  const client = () => (ik.database.db as unknown as { $client: PGlite }).$client;
  // The generic plan the server runs: the statement prepared by a real list call (storage/database.ts runs
  // PGlite's hand-written statements with plan_cache_mode = force_generic_plan).
  const firstPagePlan = async () => {
    const pages = JSON.stringify([{ organization_id: orgId, limit: 10, offset: 0 }]);
    const { name } = listOrganizationInvitationPages;
    await client().query('SET plan_cache_mode = force_generic_plan');
    const { rows } = await client().query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${name}('${pages}')`);
    await client().query('RESET ALL');
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  };

  it('analyzes the tables that changed by more than their size, then none until they change again', async () => {
    const analyzed = await analyzeChangedTables(client());
    expect(analyzed).toContain('public.organization_invitations');
    expect(await analyzeChangedTables(client())).not.toContain('public.organization_invitations');
  });

  it('the first page reads its rows in index order instead of sorting all 3,000 of the organization', async () => {
    const page = await ik.services.organizationInvitations.list(orgId, { limit: 10, offset: 0 } as never);
    expect(page.totalCount).toBe(3000);
    expect(page.data.map((i) => i.emailAddress)).toEqual(
      Array.from({ length: 10 }, (_, j) => `p299-${9 - j}@stats.example`)
        .sort()
        .reverse(),
    );
    const plan = await firstPagePlan();
    expect(plan).toMatch(/Index Scan Backward using organization_invitations_(org_)?created_idx/);
    expect(plan).not.toMatch(/Sort Key: oi\.created_at/);
  });

  it('without them, the same statement sorts every row: what the step fixes', async () => {
    const bare = new PGlite();
    await bare.exec(`CREATE TABLE t (o text, c bigint, id text); CREATE INDEX ON t (o, c, id);
      INSERT INTO t SELECT 'org', g, g::text FROM generate_series(1, 3000) g;`);
    const plan = async () =>
      (
        await bare.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT * FROM t WHERE o = 'org' ORDER BY c DESC, id DESC LIMIT 10`,
        )
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    expect(await plan()).toMatch(/Sort/);
    expect(await analyzeChangedTables(bare)).toEqual(['public.t']);
    expect(await plan()).toMatch(/Index (Only )?Scan Backward/);
    await bare.close();
  });
});
