import type { DatabaseConfig } from '@invitekit/core';
import { defined, envInt, envUrl } from './env.js';

/**
 * The database from the environment: DATABASE_URL (PostgreSQL) with DATABASE_POOL_SIZE,
 * DATABASE_CONNECT_TIMEOUT_MS and DATABASE_STATEMENT_TIMEOUT_MS; else the embedded PGlite database in
 * INVITEKIT_DATA_DIR (default `./.invitekit`). See README.md.
 */
export function databaseFromEnv(env: NodeJS.ProcessEnv): DatabaseConfig {
  const timeouts = defined<DatabaseConfig>({
    connectTimeoutMs: envInt(env, 'DATABASE_CONNECT_TIMEOUT_MS', { min: 100, max: 600_000 }),
    statementTimeoutMs: envInt(env, 'DATABASE_STATEMENT_TIMEOUT_MS', { min: 100, max: 3_600_000 }),
  });
  const url = envUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (!url) return { dataDir: env.INVITEKIT_DATA_DIR || './.invitekit', ...timeouts };
  return defined<DatabaseConfig>({
    url,
    poolSize: envInt(env, 'DATABASE_POOL_SIZE', { min: 1, max: 1000 }),
    ...timeouts,
  });
}
