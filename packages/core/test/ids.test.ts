import { describe, expect, it } from 'vitest';
import { newId } from '../src/domain/ids.js';
import { pooledRandomBytes } from '../src/domain/random.js';

describe('newId', () => {
  it('prefixes by kind and is 26 Crockford base32 characters after the prefix', () => {
    expect(newId('organizationInvitation')).toMatch(/^orginv_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newId('user')).toMatch(/^user_/);
  });

  it('sorts in creation order, also within one millisecond and across milliseconds', () => {
    const now = 1_700_000_000_000;
    const ids = [
      newId('invitation', now),
      newId('invitation', now),
      newId('invitation', now),
      newId('invitation', now + 1),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('encodes the timestamp in the first ten characters, and never goes back in time', () => {
    const decode = (id: string) =>
      [...id.slice(4, 14)].reduce((n, c) => n * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c), 0);
    const future = 4_000_000_000_000;
    expect(decode(newId('invitation', future))).toBe(future);
    // A clock that steps back keeps the last time, so order still holds.
    expect(decode(newId('invitation', 1_000))).toBe(future);
  });
});

describe('pooledRandomBytes', () => {
  it('hands out each byte of the pool once, as copies, across refills', () => {
    const reads = Array.from({ length: 1000 }, () => pooledRandomBytes(16)); // 16,000 bytes: 3 refills
    expect(reads.every((b) => b.length === 16)).toBe(true);
    expect(new Set(reads.map((b) => b.toString('hex'))).size).toBe(1000);
    const kept = Buffer.from(reads[0]!);
    for (let i = 0; i < 300; i++) pooledRandomBytes(16); // past the next refill: the copy does not change
    expect(reads[0]).toEqual(kept);
    expect(() => pooledRandomBytes(4097)).toThrow(RangeError);
  });
});
