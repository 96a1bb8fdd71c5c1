import type { Authenticate, AuthenticatedUser } from '@invitekit/core';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

/** Claim names read from a verified session token. */
export interface JwtClaims {
  /** The user id (default `sub`). */
  userId: string;
  /** The email address: a string, or an array of strings (default `email`). */
  email: string;
  /** Must be `true` for the address to count as verified (default `email_verified`). */
  emailVerified: string;
  /** Default `given_name`. */
  firstName: string;
  /** Default `family_name`. */
  lastName: string;
}

export interface JwtAuthOptions {
  /** HS256 shared secret. Give this or `jwksUrl`. */
  secret?: string;
  /** A JWKS URL (e.g. `https://issuer.example.com/.well-known/jwks.json`); keys are fetched and cached. */
  jwksUrl?: string;
  /** Required `iss`, when set. */
  issuer?: string;
  /** Required `aud` (one of), when set. */
  audience?: string | string[];
  claims?: Partial<JwtClaims>;
  /** Seconds of clock skew allowed on `exp`/`nbf` (default 5). */
  clockToleranceSeconds?: number;
  /** Told why a token was refused (bad signature, expired, JWKS unreachable…); for debug logs. */
  onRejected?: (reason: unknown) => void;
}

export const defaultClaims: JwtClaims = {
  userId: 'sub',
  email: 'email',
  emailVerified: 'email_verified',
  firstName: 'given_name',
  lastName: 'family_name',
};

const bearer = (header: string | string[] | undefined) => {
  const value = Array.isArray(header) ? header[0] : header;
  return value ? /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1] : undefined;
};

const optionalString = (v: unknown) => (typeof v === 'string' ? v : null);

/** The person a verified payload names; null when it names nobody (no user id). */
export function userFromClaims(payload: JWTPayload, claims: JwtClaims): AuthenticatedUser | null {
  const id = payload[claims.userId];
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) return null;
  const raw = payload[claims.email];
  const emails = (Array.isArray(raw) ? raw : [raw]).filter((e): e is string => typeof e === 'string');
  const verified = payload[claims.emailVerified] === true;
  return {
    id,
    emailAddresses: emails.map((emailAddress) => ({ emailAddress, verified })),
    firstName: optionalString(payload[claims.firstName]),
    lastName: optionalString(payload[claims.lastName]),
  };
}

/**
 * Verifies one session token (HS256 secret or JWKS URL, via `jose`) and reads the person it names. A
 * malformed, expired or badly signed token, or one that names nobody, is null. Shared by the Frontend API
 * (bearer header) and the hosted accept page (session cookie).
 */
export function jwtVerifier(options: JwtAuthOptions): (token: string) => Promise<AuthenticatedUser | null> {
  if (!options.secret === !options.jwksUrl) {
    throw new Error('jwtAuthenticate: give exactly one of secret (HS256) or jwksUrl');
  }
  const claims = { ...defaultClaims, ...options.claims };
  const key: Uint8Array | JWTVerifyGetKey = options.secret
    ? new TextEncoder().encode(options.secret)
    : createRemoteJWKSet(new URL(options.jwksUrl!));
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.secret ? ['HS256'] : undefined,
    clockTolerance: options.clockToleranceSeconds ?? 5,
  };
  return async (token) => {
    try {
      const { payload } =
        key instanceof Uint8Array
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions);
      return userFromClaims(payload, claims);
    } catch (err) {
      options.onRejected?.(err);
      return null;
    }
  };
}

/**
 * The standalone server's `authenticate` hook: `Authorization: Bearer <JWT>`, verified with an HS256
 * secret or a JWKS URL (`jose`). `sub` is the user id; `email` counts as verified only with
 * `email_verified: true`. A missing, malformed, expired or badly signed token is "not signed in" (401).
 */
export function jwtAuthenticate(options: JwtAuthOptions): Authenticate {
  const verify = jwtVerifier(options);
  return async (request) => {
    const token = bearer(request.headers.authorization);
    return token ? verify(token) : null;
  };
}

/**
 * JWT settings from the environment: INVITEKIT_JWT_SECRET or INVITEKIT_JWKS_URL, optional
 * INVITEKIT_JWT_ISSUER and INVITEKIT_JWT_AUDIENCE (comma-separated), and claim names
 * INVITEKIT_JWT_USER_ID_CLAIM, _EMAIL_CLAIM, _EMAIL_VERIFIED_CLAIM, _FIRST_NAME_CLAIM, _LAST_NAME_CLAIM.
 * Null when neither a secret nor a JWKS URL is set.
 */
export function jwtOptionsFromEnv(env: NodeJS.ProcessEnv): JwtAuthOptions | null {
  const secret = env.INVITEKIT_JWT_SECRET || undefined;
  const jwksUrl = env.INVITEKIT_JWKS_URL || undefined;
  if (!secret && !jwksUrl) return null;
  if (secret && jwksUrl) throw new Error('Set INVITEKIT_JWT_SECRET or INVITEKIT_JWKS_URL, not both');
  if (jwksUrl) new URL(jwksUrl); // fails early on a typo
  const audience = env.INVITEKIT_JWT_AUDIENCE?.split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const claim = (name: string) => env[`INVITEKIT_JWT_${name}_CLAIM`] || undefined;
  const claims: Partial<JwtClaims> = {};
  const set = (k: keyof JwtClaims, v: string | undefined) => {
    if (v) claims[k] = v;
  };
  set('userId', claim('USER_ID'));
  set('email', claim('EMAIL'));
  set('emailVerified', claim('EMAIL_VERIFIED'));
  set('firstName', claim('FIRST_NAME'));
  set('lastName', claim('LAST_NAME'));
  return {
    secret,
    jwksUrl,
    issuer: env.INVITEKIT_JWT_ISSUER || undefined,
    audience: audience?.length ? audience : undefined,
    claims,
  };
}
