import { randomBytes } from 'node:crypto';
import type { InvitekitConfig } from '@invitekit/core';
import { type JwtAuthOptions, jwtAuthenticate, jwtOptionsFromEnv } from './jwt-auth.js';

export interface ServerConfig {
  port: number;
  host: string;
  invitekit: InvitekitConfig;
  /** Set when no key was configured and one was generated for this run (development only). */
  generatedKey?: string;
  /** Session-token (JWT) settings for the Frontend API; null when none are set (it then answers 401). */
  jwt?: JwtAuthOptions | null;
}

/**
 * Reads the environment: PORT, HOST, DATABASE_URL, INVITEKIT_DATA_DIR, INVITEKIT_SECRET_KEY (comma-separated),
 * INVITEKIT_FRONTEND_PATH, and the JWT settings of the Frontend API (jwt-auth.ts).
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  let keys = (env.INVITEKIT_SECRET_KEY ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  let generatedKey: string | undefined;
  if (keys.length === 0) {
    if (env.NODE_ENV === 'production') throw new Error('INVITEKIT_SECRET_KEY is required in production');
    generatedKey = `sk_dev_${randomBytes(24).toString('base64url')}`;
    keys = [generatedKey];
  }
  const jwt = jwtOptionsFromEnv(env);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    generatedKey,
    jwt,
    invitekit: {
      secretKeys: keys,
      authenticate: jwt ? jwtAuthenticate(jwt) : undefined,
      frontendPath: env.INVITEKIT_FRONTEND_PATH || undefined,
      database: env.DATABASE_URL
        ? {
            url: env.DATABASE_URL,
            poolSize: env.DATABASE_POOL_SIZE ? Number(env.DATABASE_POOL_SIZE) : undefined,
          }
        : { dataDir: env.INVITEKIT_DATA_DIR ?? './.invitekit' },
    },
  };
}
