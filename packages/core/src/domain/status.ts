import { invalidParam } from './errors.js';

export const invitationStatuses = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

/** `expired` is a pending invitation past its expiry, whether or not a sweeper has written it yet. */
export function effectiveStatus(stored: string, expiresAt: number | null, now: number): InvitationStatus {
  if (stored === 'pending' && expiresAt !== null && expiresAt <= now) return 'expired';
  return stored as InvitationStatus;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_EXPIRES_IN_DAYS = 30;

/** Expiry for a new invitation; `days` is 1–365 (default 30). */
export function expiresAtFrom(days: number | null | undefined, now: number): number {
  const d = days ?? DEFAULT_EXPIRES_IN_DAYS;
  if (!Number.isInteger(d) || d < 1 || d > 365) {
    throw invalidParam('expires_in_days', 'expires_in_days must be a whole number from 1 to 365');
  }
  return now + d * DAY_MS;
}
