import { eq, or, sql } from 'drizzle-orm';
import type { PublicUserData } from '../domain/models.js';
import { emailAddresses, users } from '../storage/schema.js';
import { likePattern } from './listing.js';

/** A user's primary email address, as a correlated subquery for selects joined to `users`. */
export const primaryEmailOf = () =>
  sql<string | null>`(select ${emailAddresses.emailAddress} from ${emailAddresses} where ${eq(
    emailAddresses.id,
    users.primaryEmailAddressId,
  )})`;

/** Columns to select for a user's public data (joined as `users`). */
export const publicUserColumns = () => ({
  userId: users.id,
  firstName: users.firstName,
  lastName: users.lastName,
  identifier: primaryEmailOf(),
});

export function toPublicUser(
  row: {
    userId: string | null;
    firstName: string | null;
    lastName: string | null;
    identifier: string | null;
  } | null,
): PublicUserData | null {
  return row?.userId
    ? { userId: row.userId, firstName: row.firstName, lastName: row.lastName, identifier: row.identifier }
    : null;
}

/** A user's first, last or full name contains `query`, ignoring case (for selects over `users`). */
export const nameContains = (query: string) =>
  or(
    sql`${users.firstName} ilike ${likePattern(query)}`,
    sql`${users.lastName} ilike ${likePattern(query)}`,
    sql`concat_ws(' ', ${users.firstName}, ${users.lastName}) ilike ${likePattern(query)}`,
  );
