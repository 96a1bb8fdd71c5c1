import { type SQL, sql } from 'drizzle-orm';

/**
 * Only verified addresses own an identity. An unverified address (one a session token named without
 * vouching for it) is kept on its user but resolves and blocks nothing, and a verified owner takes it
 * over: the row moves to them (a new id), and the user who loses it gets another primary address.
 */

/**
 * SQL: every user whose primary address is one of `released` (a subquery of email address ids) gets
 * another of their addresses as primary (verified first, then oldest), or none. The statement's snapshot
 * still shows the released rows, hence the exclusion.
 */
export const repointPrimaries = (released: SQL) => sql`
  UPDATE users SET primary_email_address_id = (
    SELECT a.id FROM email_addresses a
    WHERE a.user_id = users.id AND a.id NOT IN (${released})
    ORDER BY a.verified DESC, a.created_at, a.id LIMIT 1)
  WHERE users.primary_email_address_id IN (${released})`;
