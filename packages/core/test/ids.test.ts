import { describe, expect, it } from 'vitest';
import { newId } from '../src/domain/ids.js';

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
