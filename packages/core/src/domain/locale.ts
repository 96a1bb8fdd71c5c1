import { invalidParam } from './errors.js';

/** What every chain ends with: the language the built-in catalogs are written in first. */
export const BASE_LOCALE = 'en';

/** BCP 47 allows long tags; none that a person writes needs more than this. */
const MAX_LOCALE_LENGTH = 64;

/**
 * The canonical form of a BCP 47 language tag (`fr-ca` → `fr-CA`, `iw` → `he`), as Intl itself
 * canonicalises it; null when it is not one. Intl's grammar, not a hand-made pattern, decides.
 */
export function canonicalLocale(value: string): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LOCALE_LENGTH) return null;
  try {
    return Intl.getCanonicalLocales(value)[0] ?? null;
  } catch {
    return null;
  }
}

/** As canonicalLocale, for a caller's input: a 422 naming `param` when it is not a language tag. */
export function checkLocale(value: string | null | undefined, param = 'locale'): string | null {
  if (value == null) return null;
  const canonical = canonicalLocale(value);
  if (!canonical) {
    throw invalidParam(param, `${param} must be a BCP 47 language tag such as en, fr or de-AT`);
  }
  return canonical;
}

/**
 * `fr-CA` → `fr-CA`, `fr`: the tag, then each shorter prefix (extensions like `-u-…` dropped first), as
 * ICU's own fallback goes. `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`.
 */
export function localeAncestors(locale: string): string[] {
  const base = new Intl.Locale(locale).baseName;
  const parts = base.split('-');
  const out: string[] = [];
  for (let n = parts.length; n > 0; n--) out.push(parts.slice(0, n).join('-'));
  return out;
}

/**
 * Where a message for `locale` is looked up, in order: the locale and its ancestors, then the configured
 * locale and its ancestors, then English. `fr-CA` with `de` configured → fr-CA, fr, de, en.
 */
export function localeChain(locale: string | null, configured: string): string[] {
  const chain = [...(locale ? localeAncestors(locale) : []), ...localeAncestors(configured), BASE_LOCALE];
  return [...new Set(chain)];
}
