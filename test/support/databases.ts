import { randomBytes } from 'node:crypto';
import type { DatabaseConfig } from '@invitekit/core';
import pg from 'pg';

/** A database for one test suite, created fresh and dropped afterwards. */
export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

export interface TestDatabaseKind {
  name: 'pglite' | 'postgres';
  create(): Promise<TestDatabase>;
}

const pglite: TestDatabaseKind = {
  name: 'pglite',
  create: async () => ({ config: { dataDir: 'memory://' }, drop: async () => {} }),
};

function postgres(url: string): TestDatabaseKind {
  return {
    name: 'postgres',
    async create() {
      const name = `invitekit_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const dbUrl = new URL(url);
      dbUrl.pathname = `/${name}`;
      return {
        config: { url: dbUrl.toString(), poolSize: 8 },
        async drop() {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          } finally {
            await c.end();
          }
        },
      };
    },
  };
}

/**
 * The databases every storage and API suite runs on: PGlite always, PostgreSQL through
 * TEST_DATABASE_URL. In CI a missing TEST_DATABASE_URL fails instead of silently skipping.
 */
export function testDatabases(): TestDatabaseKind[] {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    if (process.env.CI)
      throw new Error('TEST_DATABASE_URL must be set in CI: PostgreSQL tests never skip there');
    return [pglite];
  }
  return [pglite, postgres(url)];
}
