import type { ImportOptions } from '@invitekit/core';
import { defined, envInt } from './env.js';

/**
 * The import worker's settings from the environment (each optional; core's default when unset):
 * INVITEKIT_IMPORT_EMAILS_PER_SECOND (per import; 0 = no pacing), INVITEKIT_IMPORT_BATCH_SIZE,
 * INVITEKIT_IMPORT_POLL_INTERVAL_MS. See README.md.
 */
export function importsFromEnv(env: NodeJS.ProcessEnv): { imports?: ImportOptions } {
  const imports = defined<ImportOptions>({
    emailsPerSecond: envInt(env, 'INVITEKIT_IMPORT_EMAILS_PER_SECOND', { min: 0, max: 100_000 }),
    batchSize: envInt(env, 'INVITEKIT_IMPORT_BATCH_SIZE', { min: 1, max: 10_000 }),
    pollIntervalMs: envInt(env, 'INVITEKIT_IMPORT_POLL_INTERVAL_MS', { min: 10, max: 3_600_000 }),
  });
  return Object.keys(imports).length ? { imports } : {};
}
