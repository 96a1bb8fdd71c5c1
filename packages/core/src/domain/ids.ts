import { randomBytes } from 'node:crypto';

/** Clerk-style id prefixes, one per kind of object. */
export const idPrefix = {
  organization: 'org',
  user: 'user',
  emailAddress: 'idn',
  membership: 'orgmem',
  organizationInvitation: 'orginv',
  invitation: 'inv',
} as const;

export type IdKind = keyof typeof idPrefix;

// Crockford base32: sortable as plain strings, no ambiguous letters.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-shaped id behind a prefix: 48 bits of milliseconds then 80 random bits, so ids sort by creation
 * time and tie-break lists that order by `created_at`.
 */
export function newId(kind: IdKind, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let random = '';
  // 80 bits = 16 base32 characters, 5 bits each, read two bytes at a time.
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      random += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return `${idPrefix[kind]}_${time}${random}`;
}
