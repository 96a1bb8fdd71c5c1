import { webcrypto } from 'node:crypto';
import type { Authenticate, AuthenticatedUser } from '@invitekit/core';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { jwtChecksFromEnv } from './jwt-env.js';

/** Claim names read from a verified session token. */
export interface JwtClaims {
  /** The user id (default `sub`). */
  userId: string;
  /** The email address: a string, or an array of strings (default `email`). */
  email: string;
  /**
   * Which addresses are verified (default `email_verified`): `true` for a string `email`; for an array, an
   * array of booleans (one per address) or of the verified addresses. Anything else verifies nothing.
   */
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
  /** Seconds of clock skew allowed on `exp`/`nbf`/`iat` (default 5). */
  clockToleranceSeconds?: number;
  /**
   * Oldest token accepted, by its `iat` (which is then required): seconds, or a span such as `"15m"`
   * (jose's syntax). Default: no limit beyond `exp`, which every token must carry.
   */
  maxTokenAge?: number | string;
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

/**
 * Which of `emails` the token vouches for. A scalar `email` is verified by `email_verified: true`. An
 * array is verified address by address: `email_verified` as an array of booleans (same order) or of the
 * verified addresses. A lone `true` beside an array names none of them, so it verifies none.
 */
function verifiedFlags(raw: unknown, emails: unknown[], flag: unknown): boolean[] {
  if (!Array.isArray(raw)) return emails.map(() => flag === true);
  if (!Array.isArray(flag)) return emails.map(() => false);
  const listed = new Set(flag.filter((f): f is string => typeof f === 'string'));
  return emails.map((e, i) => flag[i] === true || (typeof e === 'string' && listed.has(e)));
}

/** The person a verified payload names; null when it names nobody (no user id). */
export function userFromClaims(payload: JWTPayload, claims: JwtClaims): AuthenticatedUser | null {
  const id = payload[claims.userId];
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) return null;
  const raw = payload[claims.email];
  const all = Array.isArray(raw) ? raw : [raw];
  const verified = verifiedFlags(raw, all, payload[claims.emailVerified]);
  return {
    id,
    emailAddresses: all.flatMap((emailAddress, i) =>
      typeof emailAddress === 'string' ? [{ emailAddress, verified: verified[i]! }] : [],
    ),
    firstName: optionalString(payload[claims.firstName]),
    lastName: optionalString(payload[claims.lastName]),
  };
}

/**
 * The standalone server's `authenticate` hook: `Authorization: Bearer <JWT>`, verified with an HS256
 * secret or a JWKS URL (`jose`). `sub` is the user id; `email` counts as verified only as far as
 * `email_verified` says so (verifiedFlags). `exp` is required; `iat` too with `maxTokenAge`. A missing,
 * malformed, expired, too old or badly signed token, or one for another issuer or audience, is "not
 * signed in" (401).
 */
export function jwtAuthenticate(options: JwtAuthOptions): Authenticate {
  const verify = jwtVerifier(options);
  return async (request) => {
    const token = bearer(request.headers.authorization);
    return token ? verify(token) : null;
  };
}

/**
 * Verifies one session token with the same settings and reads the person it names; null when it is not
 * valid or names nobody. Shared by the Frontend API (bearer header) and the hosted accept page (cookie).
 */
export function jwtVerifier(options: JwtAuthOptions): (token: string) => Promise<AuthenticatedUser | null> {
  if (!options.secret === !options.jwksUrl) {
    throw new Error('jwtAuthenticate: give exactly one of secret (HS256) or jwksUrl');
  }
  const claims = { ...defaultClaims, ...options.claims };
  // The HS256 secret is imported once: given raw bytes, jose imports them again on every verification
  // (twice the cost of the verification itself).
  const key: Promise<webcrypto.CryptoKey> | JWTVerifyGetKey = options.secret
    ? webcrypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(options.secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      )
    : createRemoteJWKSet(new URL(options.jwksUrl!));
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.secret ? ['HS256'] : undefined,
    clockTolerance: options.clockToleranceSeconds ?? 5,
    maxTokenAge: options.maxTokenAge,
    // A token without an expiry would be good forever.
    requiredClaims: ['exp'],
  };
  return async (token) => {
    try {
      const { payload } =
        key instanceof Promise
          ? await jwtVerify(token, await key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions);
      return userFromClaims(payload, claims);
    } catch (err) {
      options.onRejected?.(err);
      return null;
    }
  };
}

/**
 * JWT settings from the environment: INVITEKIT_JWT_SECRET or INVITEKIT_JWKS_URL, optional
 * INVITEKIT_JWT_ISSUER, INVITEKIT_JWT_AUDIENCE (comma-separated) and the checks of jwt-env.ts
 * (INVITEKIT_JWT_MAX_AGE, INVITEKIT_JWT_CLOCK_TOLERANCE), and claim names INVITEKIT_JWT_USER_ID_CLAIM,
 * _EMAIL_CLAIM, _EMAIL_VERIFIED_CLAIM, _FIRST_NAME_CLAIM, _LAST_NAME_CLAIM.
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
    ...jwtChecksFromEnv(env),
    claims,
  };
}
