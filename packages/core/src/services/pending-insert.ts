import { and, eq, inArray, lte, type SQL } from 'drizzle-orm';
import { duplicateInvitations } from '../domain/errors.js';
import type { Database } from '../storage/database.js';
import type { applicationInvitations, organizationInvitations } from '../storage/schema.js';
import { itemError } from './bulk.js';

type InvitationTable = typeof organizationInvitations | typeof applicationInvitations;

/**
 * INSERT … ON CONFLICT DO NOTHING against a pending-uniqueness index. A conflict with a pending
 * invitation that has already expired frees its slot (it is written `expired`) and the row is retried;
 * any other conflict is a duplicate, reported for the first row at fault. Run it inside a transaction:
 * the caller records events for what it inserted and for the invitations it found expired.
 */
export async function insertPendingInvitations<T extends InvitationTable>(
  db: Database,
  table: T,
  rows: T['$inferInsert'][],
  options: { now: number; bulk: boolean; scope?: SQL; scopeName?: string },
): Promise<{ inserted: T['$inferSelect'][]; expired: string[] }> {
  // Both tables share the columns used here; drizzle cannot type an insert into a union of tables.
  const t = table as typeof applicationInvitations;
  const all = rows as (typeof applicationInvitations.$inferInsert)[];
  const inserted = await db.insert(t).values(all).onConflictDoNothing().returning();
  if (inserted.length === all.length) return { inserted: inserted as T['$inferSelect'][], expired: [] };

  const done = new Set(inserted.map((r) => r.emailAddress));
  const missing = all.filter((r) => !done.has(r.emailAddress));
  const freed = await db
    .update(t)
    .set({ status: 'expired', updatedAt: options.now })
    .where(
      and(
        options.scope,
        inArray(
          t.emailAddress,
          missing.map((r) => r.emailAddress),
        ),
        eq(t.status, 'pending'),
        lte(t.expiresAt, options.now),
      ),
    )
    .returning({ id: t.id, emailAddress: t.emailAddress });
  const freedSet = new Set(freed.map((r) => r.emailAddress));
  const retry = missing.filter((r) => freedSet.has(r.emailAddress));
  const retried = retry.length ? await db.insert(t).values(retry).onConflictDoNothing().returning() : [];
  for (const r of retried) done.add(r.emailAddress);

  const duplicate = all.findIndex((r) => !done.has(r.emailAddress));
  if (duplicate >= 0) {
    const emails = all.filter((r) => !done.has(r.emailAddress)).map((r) => r.emailAddress);
    const error = duplicateInvitations(emails, options.scopeName ?? '');
    throw options.bulk ? itemError(duplicate, error) : error;
  }
  const byEmail = new Map([...inserted, ...retried].map((r) => [r.emailAddress, r]));
  return {
    inserted: all.map((r) => byEmail.get(r.emailAddress)!) as T['$inferSelect'][],
    expired: freed.map((r) => r.id),
  };
}
