import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { asUser, seedOrganization, startTestServer, type TestServer } from './harness.js';

// Two server instances on one PostgreSQL database, as several stateless processes would share it.
// (PGlite is embedded: one process owns it, so this runs on PostgreSQL only.)
const postgres = testDatabases().filter((k) => k.name === 'postgres');

describe.runIf(postgres.length > 0)('concurrent accepts across two servers on postgres', () => {
  let a: TestServer;
  let b: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await postgres[0]!.create();
    drop = db.drop;
    // 50 accepts from one address in a second: above the default per-client limit, which is not tested here.
    const limits = { maxTokenRequestsPerClientPerMinute: 1000 };
    a = await startTestServer(db.config, { limits });
    b = await startTestServer(db.config, { limits });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await drop?.();
  });

  it('50 simultaneous accepts of one invitation: exactly one 2xx and exactly one membership', async () => {
    const { orgId, adminId } = await seedOrganization(a, 'race-accept');
    const created = await a.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations`,
      { email_address: 'racer@example.com', role: 'org:member', inviter_user_id: adminId },
    );
    const token = new URL(created.body.url).searchParams.get('invitation_token')!;
    const headers = await asUser('user_ext_racer', 'racer@example.com');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? a : b).call(null, 'POST', '/frontend/v1/tickets/accept', { token }, headers),
      ),
    );
    const ok = results.filter((r) => r.status >= 200 && r.status < 300);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((r) => r.status >= 300)) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.errors[0].code).toBe('invitation_not_pending');
    }
    const members = await b.call(
      'ListOrganizationMemberships',
      'GET',
      `/v1/organizations/${orgId}/memberships?limit=100`,
    );
    expect(
      members.body.data.filter((m: any) => m.public_user_data.user_id === 'user_ext_racer'),
    ).toHaveLength(1);
  });
});
