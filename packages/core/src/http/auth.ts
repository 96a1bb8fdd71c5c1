import { createHash, timingSafeEqual } from 'node:crypto';
import { InvitekitError } from '../domain/errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <secret key>` against every configured key (several, for rotation).
 * Keys are compared as SHA-256 digests with timingSafeEqual, and every key is compared, so neither the
 * position nor the length of a match shows in the timing.
 */
export class SecretKeys {
  private readonly digests: Buffer[];

  constructor(keys: string[]) {
    this.digests = keys.filter((k) => k.length > 0).map(digest);
  }

  get configured(): boolean {
    return this.digests.length > 0;
  }

  verify(header: string | string[] | undefined): void {
    const value = Array.isArray(header) ? header[0] : header;
    const match = value && /^Bearer\s+(\S+)\s*$/i.exec(value);
    if (match) {
      const presented = digest(match[1]!);
      let ok = false;
      for (const d of this.digests) ok = timingSafeEqual(d, presented) || ok;
      if (ok) return;
    }
    throw new InvitekitError({
      code: 'authentication_invalid',
      message: 'authentication invalid',
      longMessage: match
        ? 'The secret key in the Authorization header is not valid'
        : 'Send the secret key as "Authorization: Bearer <key>"',
    });
  }
}
