import { randomBytes } from 'node:crypto';
import type { InvitekitConfig } from '@invitekit/core';
import { type AcceptPageConfig, acceptPageFromEnv } from './accept-page-env.js';
import { corsFromEnv } from './cors-env.js';
import { databaseFromEnv } from './database-env.js';
import { deliveryFromEnv } from './delivery-env.js';
import {
  ConfigError,
  defined,
  envBool,
  envInt,
  envList,
  envLocale,
  envOrigins,
  envString,
  envUrl,
} from './env.js';
import { importsFromEnv } from './imports-env.js';
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
  /** The hosted accept page (accept-page-env.ts); null or absent: not served. */
  acceptPage?: AcceptPageConfig | null;
  /**
   * Run the background work (delivery, sweepers, imports) in this process; default true. False
   * (INVITEKIT_BACKGROUND=false) for processes that only serve requests while other processes deliver.
   */
  background?: boolean;
}

/**
 * Reads the environment: PORT, HOST, DATABASE_URL, INVITEKIT_DATA_DIR, INVITEKIT_SECRET_KEY (comma-separated),
 * SMTP_URL, INVITEKIT_EMAIL_FROM, INVITEKIT_ACCEPT_URL, INVITEKIT_REDIRECT_ORIGINS (comma-separated),
 * INVITEKIT_WEBHOOK_URL with INVITEKIT_WEBHOOK_SECRET (and INVITEKIT_WEBHOOK_EVENTS), INVITEKIT_INSTANCE_ID, INVITEKIT_FRONTEND_PATH, and
 * INVITEKIT_JOIN_LINK_MAX_ROLE (the highest role a join link may grant), the JWT settings of the Frontend
 * API (jwt-auth.ts), the database's (database-env.ts), delivery's (delivery-env.ts) and the limits
 * (limits-env.ts), INVITEKIT_BACKGROUND (false: this process serves requests only), and INVITEKIT_IDEMPOTENCY_KEY_TTL_MS with INVITEKIT_IDEMPOTENCY_LOCK_MS (how long
 * `Idempotency-Key` answers are kept, and held while running). See README.md.
 */
/** INVITEKIT_LOCALE: the configured locale (an Invitekit extension), canonical. */
const localeFromEnv = (env: NodeJS.ProcessEnv) => {
  const locale = envLocale(env, 'INVITEKIT_LOCALE');
  return locale ? { locale } : {};
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = envInt(env, 'PORT', { min: 0, max: 65535, fallback: 3000 })!;
  const smtpUrl = envUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  const acceptUrl = envUrl(env, 'INVITEKIT_ACCEPT_URL', ['http:', 'https:']);
  let keys = envList(env, 'INVITEKIT_SECRET_KEY');
  let generatedKey: string | undefined;
  if (keys.length === 0) {
    if (env.NODE_ENV === 'production')
      throw new ConfigError('INVITEKIT_SECRET_KEY is required in production');
    generatedKey = `sk_dev_${randomBytes(24).toString('base64url')}`;
    keys = [generatedKey];
  }
  const jwt = jwtOptionsFromEnv(env);
  const webhookUrl = envUrl(env, 'INVITEKIT_WEBHOOK_URL', ['http:', 'https:']);
  const webhookSecret = env.INVITEKIT_WEBHOOK_SECRET?.trim();
  if (Boolean(webhookUrl) !== Boolean(webhookSecret)) {
    throw new ConfigError('INVITEKIT_WEBHOOK_URL and INVITEKIT_WEBHOOK_SECRET must be set together');
  }
  // Unset: every Clerk event type. Invitekit's own types (join links, edits…) are heard only when named.
  const webhookEvents = envList(env, 'INVITEKIT_WEBHOOK_EVENTS');
  if (webhookEvents.length && !webhookUrl) {
    throw new ConfigError(
      'INVITEKIT_WEBHOOK_EVENTS needs INVITEKIT_WEBHOOK_URL and INVITEKIT_WEBHOOK_SECRET',
    );
  }
  const redirectOrigins = envOrigins(env, 'INVITEKIT_REDIRECT_ORIGINS');
  const joinLinkMaxRole = envString(env, 'INVITEKIT_JOIN_LINK_MAX_ROLE');
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    generatedKey,
    jwt,
    devMailbox: env.NODE_ENV !== 'production',
    background: envBool(env, 'INVITEKIT_BACKGROUND', true),
    acceptPage: acceptPageFromEnv(env),
    invitekit: {
      ...corsFromEnv(env),
      secretKeys: keys,
      authenticate: jwt ? jwtAuthenticate(jwt) : undefined,
      frontendPath: env.INVITEKIT_FRONTEND_PATH || undefined,
      ...limitsFromEnv(env),
      ...(smtpUrl ? { smtpUrl } : {}),
      ...(env.INVITEKIT_EMAIL_FROM ? { email: { from: env.INVITEKIT_EMAIL_FROM } } : {}),
      ...(acceptUrl ? { acceptUrl } : {}),
      ...(redirectOrigins.length ? { redirectOrigins } : {}),
      ...(webhookUrl && webhookSecret
        ? {
            webhooks: [
              {
                url: webhookUrl,
                secret: webhookSecret,
                ...(webhookEvents.length ? { events: webhookEvents } : {}),
              },
            ],
          }
        : {}),
      ...(env.INVITEKIT_INSTANCE_ID ? { instanceId: env.INVITEKIT_INSTANCE_ID } : {}),
      ...(joinLinkMaxRole ? { joinLinks: { maxRole: joinLinkMaxRole } } : {}),
      ...localeFromEnv(env),
      database: databaseFromEnv(env),
      idempotency: defined({
        keyTtlMs: envInt(env, 'INVITEKIT_IDEMPOTENCY_KEY_TTL_MS', { min: 1000, max: 30 * 86_400_000 }),
        lockMs: envInt(env, 'INVITEKIT_IDEMPOTENCY_LOCK_MS', { min: 1000, max: 86_400_000 }),
      }),
      ...deliveryFromEnv(env),
      ...importsFromEnv(env),
    },
  };
}
