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

/**
 * The request comes from a page of this server: its Origin is the public origin or that of the Host it
 * reached. Under `Referrer-Policy: no-referrer` browsers send `Origin: null` on form posts, so then
 * Sec-Fetch-Site (sent by current browsers) must say `same-origin`; with neither, the token decides alone.
 */
export function sameOrigin(req: Request, publicOrigin: string): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    if (origin === publicOrigin) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
  const site = req.headers['sec-fetch-site'];
  return site === undefined ? origin === undefined || origin === 'null' : site === 'same-origin';
}
