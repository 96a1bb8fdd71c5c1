import { and, asc, desc, eq, gt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { InvitationStatus } from '../domain/status.js';

export interface Page {
  limit: number;
  offset: number;
}

export interface OrderBy<F extends string = string> {
  field: F;
  direction: 'asc' | 'desc';
}

export interface Paginated<T> {
  data: T[];
  totalCount: number;
}

/** ORDER BY for a list: the requested column, then creation time and id so pages never overlap. */
export function orderClause(
  column: PgColumn,
  direction: 'asc' | 'desc',
  createdAt: PgColumn,
  id: PgColumn,
): SQL[] {
  const dir = direction === 'asc' ? asc : desc;
  return column === createdAt ? [dir(createdAt), dir(id)] : [dir(column), dir(createdAt), dir(id)];
}

interface StatusColumns {
  status: PgColumn;
  expiresAt: PgColumn;
}

/**
 * Status filter where `expired` also covers pending rows past `expires_at`, and `pending` excludes them,
 * so reads are right before any sweeper writes `expired`.
 */
export function statusFilter(
  t: StatusColumns,
  statuses: readonly InvitationStatus[],
  now: number,
): SQL | undefined {
  if (statuses.length === 0) return undefined;
  const parts = [...new Set(statuses)].map((status) => {
    switch (status) {
      case 'pending':
        return and(eq(t.status, 'pending'), gt(t.expiresAt, now));
      case 'expired':
        return or(eq(t.status, 'expired'), and(eq(t.status, 'pending'), lte(t.expiresAt, now)));
      default:
        return eq(t.status, status);
    }
  });
  return parts.length === 1 ? parts[0] : or(...parts);
}

/** Escapes LIKE wildcards so a user's query matches literally. */
export const likePattern = (query: string) => `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Substring search in a stored, lower-cased email address: `query` is lower-cased here, so the match
 * ignores case as ILIKE would, and is taken literally (no wildcards). No index serves it; strpos costs
 * about a quarter of an ILIKE per row (26,000 rows in 8 ms against 36 ms), the same order as the exact
 * total_count a filtered list computes anyway.
 */
export const containsText = (column: PgColumn, query: string): SQL =>
  sql`strpos(${column}, ${query.toLowerCase()}) > 0`;

/**
 * The same substring search as containsText, written as LIKE so that a trigram index can answer it
 * (organization_invitations_email_trgm_idx; strpos cannot use one). Queries under 3 characters have no
 * trigrams and read every row, as strpos does.
 */
export const containsPattern = (column: PgColumn, query: string): SQL =>
  sql`${column} LIKE ${likePattern(query.toLowerCase())}`;

/** Clerk's signed id lists (`organization_id`, `user_id` filters): `-id` excludes, `+id` or a bare id includes. */
export function signedIds(ids: string[] | undefined): { include: string[]; exclude: string[] } {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const id of ids ?? []) {
    if (id.startsWith('-')) exclude.push(id.slice(1));
    else include.push(id.replace(/^\+/, ''));
  }
  return { include, exclude };
}
