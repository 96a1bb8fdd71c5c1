import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { newId } from '../src/domain/ids.js';
import { migrationsFolder, type OpenDatabase, openDatabase } from '../src/storage/database.js';
import {
  organizationInvitationCounts,
  organizationInvitations,
  organizations,
} from '../src/storage/schema.js';

// The storage suite: the same assertions on PGlite and on PostgreSQL.
describe.each(testDatabases())('storage on $name', (kind) => {
  let db: OpenDatabase;
  let drop: () => Promise<void>;
  let config: Parameters<typeof openDatabase>[0];

  beforeAll(async () => {
    const created = await kind.create();
    drop = created.drop;
    config = created.config;
    db = await openDatabase(config);
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  const invitation = (organizationId: string, emailAddress: string, status = 'pending') => ({
    organizationId,
    id: newId('organizationInvitation'),
    emailAddress,
    role: 'org:member',
    status,
    expiresAt: Date.now() + 1000,
    createdAt: Date.now(),
    updatedAt: Date.now(),
  });

  it('applies migrations once; opening again (PostgreSQL: concurrently) is a no-op', async () => {
    if (kind.name === 'postgres') {
      const again = await Promise.all([openDatabase(config), openDatabase(config)]);
      await Promise.all(again.map((d) => d.close()));
    }
    const rows = await db.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const n = (rows as unknown as { rows: { n: number }[] }).rows[0]!.n;
    const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8'));
    expect(n).toBe(journal.entries.length);
  });

  it('enforces one pending invitation per organization and address in the database itself', async () => {
    const org = { id: newId('organization'), name: 'S', slug: `s-${Date.now()}`, createdAt: 1, updatedAt: 1 };
    await db.db.insert(organizations).values(org);
    await db.db.insert(organizationInvitations).values(invitation(org.id, 'u@example.com'));
    await expect(
      db.db.insert(organizationInvitations).values(invitation(org.id, 'u@example.com')),
    ).rejects.toThrow();
    // Not pending: any number may exist beside the pending one.
    await db.db
      .insert(organizationInvitations)
      .values([
        invitation(org.id, 'u@example.com', 'revoked'),
        invitation(org.id, 'u@example.com', 'accepted'),
      ]);
    const [count] = await db.db
      .select({ n: sql<number>`count(*)::int` })
      .from(organizationInvitations)
      .where(sql`${organizationInvitations.organizationId} = ${org.id}`);
    expect(count!.n).toBe(3);
  });

  it('deletes an organization with its invitations', async () => {
    const org = { id: newId('organization'), name: 'D', slug: `d-${Date.now()}`, createdAt: 1, updatedAt: 1 };
    await db.db.insert(organizations).values(org);
    await db.db.insert(organizationInvitations).values(invitation(org.id, 'gone@example.com'));
    await db.db.delete(organizations).where(sql`${organizations.id} = ${org.id}`);
    const rows = await db.db
      .select()
      .from(organizationInvitations)
      .where(sql`${organizationInvitations.organizationId} = ${org.id}`);
    expect(rows).toEqual([]);
  });

  it('keeps the per-organization invitation count exact through inserts and deletes', async () => {
    const org = { id: newId('organization'), name: 'C', slug: `c-${Date.now()}`, createdAt: 1, updatedAt: 1 };
    await db.db.insert(organizations).values(org);
    const counted = async () => {
      const [shards] = await db.db
        .select({ n: sql<number>`coalesce(sum(${organizationInvitationCounts.total}), 0)::int` })
        .from(organizationInvitationCounts)
        .where(sql`${organizationInvitationCounts.organizationId} = ${org.id}`);
      const [rows] = await db.db
        .select({ n: sql<number>`count(*)::int` })
        .from(organizationInvitations)
        .where(sql`${organizationInvitations.organizationId} = ${org.id}`);
      expect(shards!.n).toBe(rows!.n);
      return rows!.n;
    };
    expect(await counted()).toBe(0);
    await db.db.insert(organizationInvitations).values(invitation(org.id, 'c1@example.com'));
    await db.db
      .insert(organizationInvitations)
      .values(Array.from({ length: 25 }, (_, i) => invitation(org.id, `m${i}@example.com`)));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.db.insert(organizationInvitations).values(invitation(org.id, `p${i}@example.com`)),
      ),
    );
    expect(await counted()).toBe(36);
    await db.db
      .delete(organizationInvitations)
      .where(sql`${organizationInvitations.emailAddress} like 'm1%'`);
    expect(await counted()).toBe(25);
    await db.db.delete(organizations).where(sql`${organizations.id} = ${org.id}`);
    const left = await db.db
      .select()
      .from(organizationInvitationCounts)
      .where(sql`${organizationInvitationCounts.organizationId} = ${org.id}`);
    expect(left).toEqual([]);
  });

  it('answers the readiness ping', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });
});
