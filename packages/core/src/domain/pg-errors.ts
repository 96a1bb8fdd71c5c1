/** PostgreSQL error codes Invitekit maps to caller errors. Both drivers expose `code` (and PGlite
 * `constraint`), sometimes on a wrapped `cause`. */
export function pgErrorOf(err: unknown): { code?: string; constraint?: string } | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      return { code: e.code, constraint: typeof e.constraint === 'string' ? e.constraint : undefined };
    }
    current = e.cause;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown, constraint?: string) => {
  const e = pgErrorOf(err);
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
};

export const isForeignKeyViolation = (err: unknown) => pgErrorOf(err)?.code === '23503';

/**
 * SQLSTATEs meaning the database is down, restarting or not answering in time, rather than refusing this
 * statement: connection exceptions (class 08), shutdown and startup (57P01-57P03), too many connections,
 * and statement_timeout (57014).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
/** Socket errors on the way to the database. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** node-postgres and pg-pool raise these as plain Errors, without a code. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
];

/**
 * Whether an error means the database is unavailable (an outage: retry later) rather than a bug or a
 * caller's mistake. Looks through `cause` (drizzle wraps driver errors).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string') {
      if (NETWORK_CODES.has(e.code) || UNAVAILABLE_SQLSTATES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))
        return true;
    }
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => (e.message as string).includes(m)))
      return true;
    current = e.cause;
  }
  return false;
}
