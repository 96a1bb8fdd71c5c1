import { invalidParam } from './errors.js';

// Deliberately simple, like browsers' <input type=email>: one @, a dotted domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_LENGTH = 320;

/** Normalises an address for storage and comparison: trimmed and lower-cased (RFC 5321 local parts are
 * case-sensitive in theory; every mainstream provider and Clerk treat them as case-insensitive). */
export function normalizeEmail(raw: string, param = 'email_address'): string {
  const email = raw.trim().toLowerCase();
  if (email.length === 0 || email.length > MAX_LENGTH || !EMAIL.test(email)) {
    throw invalidParam(
      param,
      `${JSON.stringify(raw)} is not a valid email address`,
      'form_param_format_invalid',
    );
  }
  return email;
}
