import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { seedOrganization, startTestServer, type TestServer } from './harness.js';

describe.each(testDatabases())('concurrent creates on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config);
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  it('20 simultaneous creates for one organization and address leave exactly one pending invitation', async () => {
    const { orgId, adminId } = await seedOrganization(api, 'race');
    const path = `/v1/organizations/${orgId}/invitations`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call(null, 'POST', path, {
          email_address: i % 2 ? 'Race@Example.com' : 'race@example.com',
          role: 'org:member',
          inviter_user_id: adminId,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect([r.status, r.body.errors[0].code]).toEqual([400, 'duplicate_record']);

    const list = await api.call('ListOrganizationInvitations', 'GET', `${path}?status=pending&limit=100`);
    expect(list.body.total_count).toBe(1);
    expect(list.body.data[0].email_address).toBe('race@example.com');
  });

  it('20 simultaneous application invitations for one address leave exactly one pending', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.call(null, 'POST', '/v1/invitations', { email_address: 'app-race@example.com' }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const list = await api.call('ListInvitations', 'GET', '/v1/invitations?status=pending&query=app-race');
    expect(list.body).toHaveLength(1);
  });
});
