/**
 * Reading environment variables with validation, for every `*-env.ts` module of the server: a wrong
 * value fails at start with a message naming the variable, what it must be, and what it was.
 */

import { canonicalLocale } from '@invitekit/core';

type Env = NodeJS.ProcessEnv;

/** A configuration error: the server prints its message and exits 1, without a stack trace. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The variable's value, trimmed; undefined when unset or blank. */
export function envString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The variable, which must be set (and not blank). */
export function envRequired(env: Env, name: string, why = 'it is required'): string {
  const value = envString(env, name);
  if (value === undefined) throw new ConfigError(`${name} must be set: ${why}`);
  return value;
}

/** An integer within [min, max]; `fallback` when unset. */
export function envInt(
  env: Env,
  name: string,
  {
    min = Number.MIN_SAFE_INTEGER,
    max = Number.MAX_SAFE_INTEGER,
    fallback,
  }: { min?: number; max?: number; fallback?: number } = {},
): number | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return fallback;
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(env[name])}`,
    );
  }
  return value;
}

/** `true`/`false` (also 1/0, yes/no, on/off); `fallback` when unset. */
export function envBool(env: Env, name: string, fallback?: boolean): boolean | undefined {
  const raw = envString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
}

/** A URL with one of the given protocols (e.g. `['http:', 'https:']`); undefined when unset. */
export function envUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || !protocols.includes(url.protocol)) {
    const expected = protocols.map((p) => `${p}//…`).join(' or ');
    // Never echo a URL that may carry credentials (DATABASE_URL, SMTP_URL): only its scheme.
    const shown = url ? `a ${url.protocol} URL` : 'a value that is not a URL';
    throw new ConfigError(`${name} must be a URL (${expected}), got ${shown}`);
  }
  return raw;
}

/** A comma-separated list, items trimmed, blanks dropped; `[]` when unset. */
export function envList(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * A comma-separated list of numbers, each within (min, max]; `none` is the empty list; undefined when
 * unset. E.g. reminder days `3,7` or `0.5`.
 */
export function envNumberList(
  env: Env,
  name: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number[] | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  if (raw.toLowerCase() === 'none') return [];
  return envList(env, name).map((item) => {
    const value = /^\d+(\.\d+)?$/.test(item) ? Number(item) : Number.NaN;
    if (!(value > min && value <= max)) {
      throw new ConfigError(
        `${name} must list numbers above ${min} and up to ${max} separated by commas (or be "none"), got ${JSON.stringify(env[name])}`,
      );
    }
    return value;
  });
}

/** A comma-separated list of origins (`https://app.example.com`), each checked. */
export function envOrigins(env: Env, name: string): string[] {
  return envList(env, name).map((value) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {}
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== value.replace(/\/+$/, '')) {
      throw new ConfigError(
        `${name} must list origins such as https://app.example.com, got ${JSON.stringify(value)}`,
      );
    }
    return url.origin;
  });
}

/** The object without its undefined values, so that core's defaults apply to what is unset. */
export const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A BCP 47 language tag such as `fr` or `de-AT`, canonicalised as core does; undefined when unset. */
export function envLocale(env: Env, name: string): string | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  const canonical = canonicalLocale(raw);
  if (!canonical) {
    throw new ConfigError(
      `${name} must be a BCP 47 language tag such as en, fr or de-AT, got ${JSON.stringify(raw)}`,
    );
  }
  return canonical;
}
