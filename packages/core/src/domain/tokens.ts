import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Accept tokens are `<invitation id>.<secret>`: the id selects the invitation, the secret (256 random
 * bits) proves the link. Only SHA-256 of the secret is stored, and it is compared in constant time, so a
 * database read gives no working link and the comparison's timing gives nothing away.
 */
export interface IssuedToken {
  token: string;
  hash: Buffer;
}

const SECRET_BYTES = 32;
/** What is stored of a secret: its SHA-256. */
export const secretHash = (secret: string) => createHash('sha256').update(secret).digest();

export function issueToken(invitationId: string): IssuedToken {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { token: `${invitationId}.${secret}`, hash: secretHash(secret) };
}

/** Splits a token into its invitation id and secret; null when it cannot be one of ours. */
export function parseToken(token: string): { invitationId: string; secret: string } | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || dot === token.length - 1 || token.length > 200) return null;
  return { invitationId: token.slice(0, dot), secret: token.slice(dot + 1) };
}

/** Whether `secret` hashes to `hash`, in constant time. A missing hash (a revoked link) never matches. */
export function secretMatches(secret: string, hash: Buffer | null): boolean {
  const presented = secretHash(secret);
  return hash !== null && hash.length === presented.length && timingSafeEqual(hash, presented);
}

/**
 * Which of `hashes` (the current token's, then those of links a reminder replaced) `secret` hashes to, or
 * null. Every one is compared, in constant time and without stopping at a match, so the timing tells
 * neither which link matched nor whether any did.
 */
export function matchingHash(secret: string, hashes: readonly (Buffer | null)[]): Buffer | null {
  const presented = secretHash(secret);
  let found: Buffer | null = null;
  for (const hash of hashes) {
    const same = hash !== null && hash.length === presented.length && timingSafeEqual(hash, presented);
    if (same) found = hash;
  }
  return found;
}
