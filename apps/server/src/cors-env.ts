import type { CorsConfig } from '@invitekit/core';
import { envFlag, envUrl } from './accept-page-env.js';

/** Frontend API CORS from INVITEKIT_CORS_ORIGINS (comma-separated, or `*`) and INVITEKIT_CORS_CREDENTIALS. */
export function corsFromEnv(env: NodeJS.ProcessEnv): { cors?: CorsConfig } {
  const raw = env.INVITEKIT_CORS_ORIGINS?.trim();
  const credentials = envFlag('INVITEKIT_CORS_CREDENTIALS', env.INVITEKIT_CORS_CREDENTIALS, false);
  if (!raw) {
    if (credentials) throw new Error('INVITEKIT_CORS_CREDENTIALS needs INVITEKIT_CORS_ORIGINS');
    return {};
  }
  if (raw === '*') {
    if (credentials) throw new Error('INVITEKIT_CORS_CREDENTIALS needs a list of origins, not *');
    return { cors: { origins: '*' } };
  }
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      const parsed = envUrl('INVITEKIT_CORS_ORIGINS', o);
      if (parsed.origin !== o.replace(/\/$/, '')) {
        throw new Error(
          `INVITEKIT_CORS_ORIGINS: ${JSON.stringify(o)} is not an origin (scheme://host[:port])`,
        );
      }
      return parsed.origin;
    });
  return { cors: { origins, credentials } };
}
