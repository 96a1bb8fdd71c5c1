// DEVELOPMENT ONLY. Mints and checks HS256 session tokens for the demo's pretend sign-in, with the same
// secret the standalone server verifies them with (INVITEKIT_JWT_SECRET). A real app gets its tokens from
// its identity provider; nothing here belongs in production.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DemoClaims {
  sub: string;
  email: string;
  email_verified: true;
  iat: number;
  exp: number;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const sign = (input: string, secret: string) => createHmac('sha256', secret).update(input).digest();

export function mintToken(
  secret: string,
  user: { id: string; email: string },
  ttlSeconds = 8 * 3600,
): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: DemoClaims = {
    sub: user.id,
    email: user.email,
    email_verified: true,
    iat: now,
    exp: now + ttlSeconds,
  };
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${b64(sign(input, secret))}`;
}

/** The claims of a valid, unexpired token this demo minted; null otherwise. */
export function verifyToken(secret: string, token: string | undefined): DemoClaims | null {
  const [header, payload, signature] = (token ?? '').split('.');
  if (!header || !payload || !signature) return null;
  const expected = sign(`${header}.${payload}`, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DemoClaims;
    return claims.exp > Date.now() / 1000 ? claims : null;
  } catch {
    return null;
  }
}

export const bearer = (header: string | string[] | undefined) =>
  typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
