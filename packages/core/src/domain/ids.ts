import { pooledRandomBytes } from './random.js';

/** Clerk-style id prefixes, one per kind of object. */
export const idPrefix = {
  organization: 'org',
  user: 'user',
  emailAddress: 'idn',
  membership: 'orgmem',
  organizationInvitation: 'orginv',
  invitation: 'inv',
  event: 'ievt',
  message: 'msg',
  organizationDomain: 'orgdmn',
  organizationSuggestion: 'orgsug',
  membershipRequest: 'orgmbreq',
  joinLink: 'orgjl',
  joinLinkUse: 'orgjlu',
  invitationImport: 'invimp',
} as const;

export type IdKind = keyof typeof idPrefix;

// Crockford base32: sorts as plain strings, no ambiguous letters.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
const lastRandom = Buffer.alloc(10);

/**
 * A ULID behind a prefix: 48 bits of milliseconds then 80 random bits. Within one millisecond the random
 * part is incremented (ULID's monotonic mode), so ids from one process sort in creation order and
 * tie-break lists ordered by `created_at`.
 */
export function newId(kind: IdKind, now = Date.now()): string {
  if (now > lastTime) {
    lastTime = now;
    pooledRandomBytes(10).copy(lastRandom);
  } else {
    for (let i = 9; i >= 0 && ++lastRandom[i]! === 256; i--) lastRandom[i] = 0;
  }
  let time = '';
  for (let t = lastTime, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
  let random = '';
  // 80 bits = 16 characters of 5 bits.
  let buffer = 0;
  let bits = 0;
  for (const byte of lastRandom) {
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
