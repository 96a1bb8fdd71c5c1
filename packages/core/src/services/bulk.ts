import { InvitekitError, invalidParam } from '../domain/errors.js';

export const BULK_MAX_ITEMS = 10;

/** A bulk request carries 1 to 10 items (the HTTP schema says so too; services are callable from code). */
export function checkBulkSize(items: unknown[]): void {
  if (items.length < 1 || items.length > BULK_MAX_ITEMS) {
    throw invalidParam('body', `Send between 1 and ${BULK_MAX_ITEMS} invitations; got ${items.length}`);
  }
}

/** Runs `fn` for one item of a bulk request, naming the item in any error it throws. */
export function atItem<T>(index: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw itemError(index, err);
  }
}

/** Rewrites a caller error so that it says which item of a bulk request is at fault. */
export function itemError(index: number, err: unknown): unknown {
  if (!(err instanceof InvitekitError)) return err;
  const [first, ...rest] = err.errors.map((detail) => ({
    ...detail,
    longMessage: `Item ${index}: ${detail.longMessage ?? detail.message}`,
    meta: { ...detail.meta, index },
  }));
  return new InvitekitError(first!, ...rest);
}

/** A bulk request may name each address once; the second mention is the item at fault. */
export function rejectRepeatedEmails(emails: string[]): void {
  const seen = new Map<string, number>();
  emails.forEach((email, index) => {
    const first = seen.get(email);
    if (first !== undefined) {
      throw itemError(
        index,
        new InvitekitError({
          code: 'duplicate_record',
          message: 'duplicate invitation',
          longMessage: `${email} is also item ${first} of this request`,
          meta: { param_name: 'email_address', email_addresses: [email] },
        }),
      );
    }
    seen.set(email, index);
  });
}
