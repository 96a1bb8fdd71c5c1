import { JOIN_TOKEN_PARAM } from './join-links.js';
import { TOKEN_PARAM } from './links.js';

// An accept or join token is `<invitation or join link id>.<secret>` (tokens.ts): the id may stay, the
// secret may not.
const TOKEN = /\b((?:orginv|inv|orgjl)_[0-9A-Z]{26})\.[A-Za-z0-9_-]{20,}/g;
// And whatever an accept or join link carries in its token parameter, encoded or not.
const PARAMS = [TOKEN_PARAM, JOIN_TOKEN_PARAM];
const PARAM = new RegExp(`((?:${PARAMS.join('|')})(?:=|%3D))[^&\\s"'<>\\\\]+`, 'gi');
export const REDACTED = '[redacted]';

/** The text with every accept and join token's secret replaced by `[redacted]`. */
export function redactTokens(text: string): string {
  if (!text.includes('.')) {
    const lower = text.toLowerCase();
    if (!PARAMS.some((p) => lower.includes(p))) return text;
  }
  return text.replace(PARAM, `$1${REDACTED}`).replace(TOKEN, `$1.${REDACTED}`);
}

/** Whether the text carries an accept or join token (a link, or a bare token). */
export const holdsToken = (text: string): boolean => redactTokens(text) !== text;

/** Any value with its strings redacted (plain objects and arrays copied, errors redacted in place). */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactTokens(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, depth + 1)]));
}

/**
 * The error with accept tokens redacted from its message, stack and own properties (a query error's
 * parameters hold the accept link written to the outbox), its cause included. In place: it keeps its
 * class, and it is on its way to a log.
 */
export function redactError<E>(err: E, depth = 0): E {
  if (!(err instanceof Error) || depth > 8) return err;
  const e = err as Error & Record<string, unknown>;
  try {
    e.message = redactTokens(e.message);
    if (typeof e.stack === 'string') e.stack = redactTokens(e.stack);
    for (const key of Object.keys(e)) e[key] = redactValue(e[key], depth + 1);
    if (e.cause !== undefined) e.cause = redactValue(e.cause, depth + 1);
  } catch {
    // A frozen or exotic error: leave it; the server's log hook redacts lines again in production.
  }
  return err;
}
