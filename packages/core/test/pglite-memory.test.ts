import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createInvitekit } from '../src/index.js';
import { PGLITE_DEFAULT_SETTINGS, pgliteStartParams } from '../src/storage/pglite-memory.js';

// The embedded database's memory settings (storage/pglite-memory.ts): small defaults, applied on every
// start, overridable; a new on-disk database is created in a child process and then opened here.
describe('PGlite memory settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invitekit-pglite-memory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const show = async (ik: Awaited<ReturnType<typeof createInvitekit>>, name: string) =>
    ((await ik.database.db.execute(sql.raw(`SHOW ${name}`))) as unknown as { rows: Record<string, string>[] })
      .rows[0]![name];

  it('creates a new database with the small defaults, and keeps its data across restarts with other settings', async () => {
    const first = await createInvitekit({ database: { dataDir: dir }, secretKeys: ['sk_mem'] });
    try {
      expect(first.database.driver).toBe('pglite');
      expect(await show(first, 'shared_buffers')).toBe('16MB');
      expect(await show(first, 'maintenance_work_mem')).toBe('16MB');
      expect(await show(first, 'wal_init_zero')).toBe('off');
      await first.services.organizations.create({ name: 'Kept' });
    } finally {
      await first.close();
    }
    const second = await createInvitekit({
      database: { dataDir: dir, pgliteSettings: { shared_buffers: '32MB', work_mem: '2MB' } },
      secretKeys: ['sk_mem'],
    });
    try {
      expect(await show(second, 'shared_buffers')).toBe('32MB');
      expect(await show(second, 'work_mem')).toBe('2MB');
      expect(await show(second, 'wal_buffers')).toBe(PGLITE_DEFAULT_SETTINGS.wal_buffers);
      const names = (await second.services.organizations.list({})).data.map((o) => o.name);
      expect(names).toEqual(['Kept']);
    } finally {
      await second.close();
    }
  });

  it('refuses a setting name that is not one', () => {
    expect(() => pgliteStartParams([], { 'shared_buffers=1 -c x': '1' })).toThrow(/invalid PGlite setting/);
  });
});
