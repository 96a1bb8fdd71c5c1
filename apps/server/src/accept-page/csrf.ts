import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { mac, macMatches } from './signing.js';

/**
 * CSRF protection for the page's forms, two checks:
 * - a signed double-submit token: a random value in an HttpOnly cookie, and in each form its MAC bound to
 *   the signed-in person (so a form rendered for one session does not work in another);
 * - the Origin header (or, without it, Sec-Fetch-Site) must be this server's.
 */
export const CSRF_COOKIE = 'invitekit_csrf';

export const newCsrfNonce = () => randomBytes(24).toString('base64url');

export const csrfToken = (key: Buffer, nonce: string, userId: string | null) =>
  mac(key, 'csrf', `${nonce}\n${userId ?? ''}`);

export function csrfValid(
  key: Buffer,
  nonce: string | undefined,
  userId: string | null,
  presented: unknown,
): boolean {
  return Boolean(nonce) && macMatches(key, 'csrf', `${nonce}\n${userId ?? ''}`, presented);
}

/** The request comes from a page of this server: the public origin, or the origin of the Host it reached. */
export function sameOrigin(req: Request, publicOrigin: string): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === publicOrigin) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false; // "null" (sandboxed or privacy-sensitive contexts) included
    }
  }
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin';
}
