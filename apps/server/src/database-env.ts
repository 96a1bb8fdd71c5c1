import type { DatabaseConfig } from '@invitekit/core';
import { ConfigError, defined, envInt, envList, envUrl } from './env.js';

/**
 * The database from the environment: DATABASE_URL (PostgreSQL) with DATABASE_POOL_SIZE,
 * DATABASE_CONNECT_TIMEOUT_MS and DATABASE_STATEMENT_TIMEOUT_MS; else the embedded PGlite database in
 * INVITEKIT_DATA_DIR (default `./.invitekit`) with INVITEKIT_PGLITE_SETTINGS (`shared_buffers=64MB,work_mem=8MB`:
 * PostgreSQL settings over the embedded database's small defaults). See README.md.
 */
export function databaseFromEnv(env: NodeJS.ProcessEnv): DatabaseConfig {
  const timeouts = defined<DatabaseConfig>({
    connectTimeoutMs: envInt(env, 'DATABASE_CONNECT_TIMEOUT_MS', { min: 100, max: 600_000 }),
    statementTimeoutMs: envInt(env, 'DATABASE_STATEMENT_TIMEOUT_MS', { min: 100, max: 3_600_000 }),
  });
  const url = envUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const pgliteSettings = pgliteSettingsFromEnv(env);
  if (!url) {
    return {
      dataDir: env.INVITEKIT_DATA_DIR || './.invitekit',
      ...(pgliteSettings ? { pgliteSettings } : {}),
      ...timeouts,
    };
  }
  if (pgliteSettings)
    throw new ConfigError(
      'INVITEKIT_PGLITE_SETTINGS is set, but DATABASE_URL is too: it applies to PGlite only',
    );
  return defined<DatabaseConfig>({
    url,
    poolSize: envInt(env, 'DATABASE_POOL_SIZE', { min: 1, max: 1000 }),
    ...timeouts,
  });
}

/** INVITEKIT_PGLITE_SETTINGS: comma-separated `name=value` PostgreSQL settings; undefined when unset. */
function pgliteSettingsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const items = envList(env, 'INVITEKIT_PGLITE_SETTINGS');
  if (!items.length) return undefined;
  const settings: Record<string, string> = {};
  for (const item of items) {
    const match = /^([a-z_][a-z0-9_.]*)\s*=\s*(\S+)$/i.exec(item);
    if (!match) {
      throw new ConfigError(
        `INVITEKIT_PGLITE_SETTINGS must be name=value pairs separated by commas, got ${JSON.stringify(item)}`,
      );
    }
    settings[match[1]!.toLowerCase()] = match[2]!;
  }
  return settings;
}
