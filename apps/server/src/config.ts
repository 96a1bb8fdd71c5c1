import { randomBytes } from 'node:crypto';
import type { InvitekitConfig } from '@invitekit/core';
import { databaseFromEnv } from './database-env.js';
import { deliveryFromEnv } from './delivery-env.js';
import { type JwtAuthOptions, jwtAuthenticate, jwtOptionsFromEnv } from './jwt-auth.js';
import { limitsFromEnv } from './limits-env.js';

export interface ServerConfig {
  port: number;
  host: string;
  invitekit: InvitekitConfig;
  /** Set when no key was configured and one was generated for this run (development only). */
  generatedKey?: string;
  /** Session-token (JWT) settings for the Frontend API; null when none are set (it then answers 401). */
  jwt?: JwtAuthOptions | null;
  /** Serve the development mailbox (`/dev/mailbox`) when the development mailer is in use. */
  devMailbox?: boolean;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Reads the environment: PORT, HOST, DATABASE_URL, INVITEKIT_DATA_DIR, INVITEKIT_SECRET_KEY (comma-separated),
 * SMTP_URL, INVITEKIT_EMAIL_FROM, INVITEKIT_ACCEPT_URL, INVITEKIT_REDIRECT_ORIGINS (comma-separated),
 * INVITEKIT_WEBHOOK_URL with INVITEKIT_WEBHOOK_SECRET, INVITEKIT_INSTANCE_ID, INVITEKIT_FRONTEND_PATH, and
 * the JWT settings of the Frontend API (jwt-auth.ts), the database's (database-env.ts), delivery's
 * (delivery-env.ts) and the limits (limits-env.ts). See README.md.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  let keys = list(env.INVITEKIT_SECRET_KEY);
  let generatedKey: string | undefined;
  if (keys.length === 0) {
    if (env.NODE_ENV === 'production') throw new Error('INVITEKIT_SECRET_KEY is required in production');
    generatedKey = `sk_dev_${randomBytes(24).toString('base64url')}`;
    keys = [generatedKey];
  }
  const jwt = jwtOptionsFromEnv(env);
  const webhookUrl = env.INVITEKIT_WEBHOOK_URL?.trim();
  const webhookSecret = env.INVITEKIT_WEBHOOK_SECRET?.trim();
  if (Boolean(webhookUrl) !== Boolean(webhookSecret)) {
    throw new Error('INVITEKIT_WEBHOOK_URL and INVITEKIT_WEBHOOK_SECRET must be set together');
  }
  const redirectOrigins = list(env.INVITEKIT_REDIRECT_ORIGINS);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    generatedKey,
    jwt,
    devMailbox: env.NODE_ENV !== 'production',
    invitekit: {
      secretKeys: keys,
      authenticate: jwt ? jwtAuthenticate(jwt) : undefined,
      frontendPath: env.INVITEKIT_FRONTEND_PATH || undefined,
      ...limitsFromEnv(env),
      ...(env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}),
      ...(env.INVITEKIT_EMAIL_FROM ? { email: { from: env.INVITEKIT_EMAIL_FROM } } : {}),
      ...(env.INVITEKIT_ACCEPT_URL ? { acceptUrl: env.INVITEKIT_ACCEPT_URL } : {}),
      ...(redirectOrigins.length ? { redirectOrigins } : {}),
      ...(webhookUrl && webhookSecret ? { webhooks: [{ url: webhookUrl, secret: webhookSecret }] } : {}),
      ...(env.INVITEKIT_INSTANCE_ID ? { instanceId: env.INVITEKIT_INSTANCE_ID } : {}),
      database: databaseFromEnv(env),
      ...deliveryFromEnv(env),
    },
  };
}
