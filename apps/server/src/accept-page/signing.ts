import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The accept page's signing key. Derived from the first Backend API secret key, so every server process
 * behind a load balancer agrees on it without another setting (rotating that key signs everyone out of
 * the development sign-in and voids forms in flight); random per process when there is no key.
 */
export function pageKey(secretKeys: string[] | undefined): Buffer {
  const first = secretKeys?.find((k) => k.length > 0);
  return first ? createHmac('sha256', first).update('invitekit accept page v1').digest() : randomBytes(32);
}

export const mac = (key: Buffer, purpose: string, value: string) =>
  createHmac('sha256', key).update(`${purpose}\n${value}`).digest('base64url');

export function macMatches(key: Buffer, purpose: string, value: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length > 128) return false;
  const expected = Buffer.from(mac(key, purpose, value));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** `<base64url JSON>.<mac>`: a small value the page hands to the browser and trusts back. */
export function seal(key: Buffer, purpose: string, value: unknown): string {
  const body = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${body}.${mac(key, purpose, body)}`;
}

export function unseal<T>(key: Buffer, purpose: string, sealed: unknown): T | null {
  if (typeof sealed !== 'string' || sealed.length > 4096) return null;
  const dot = sealed.lastIndexOf('.');
  if (dot < 1) return null;
  const body = sealed.slice(0, dot);
  if (!macMatches(key, purpose, body, sealed.slice(dot + 1))) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}
