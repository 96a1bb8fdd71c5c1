import { IntlMessageFormat } from 'intl-messageformat';
import { BASE_LOCALE, canonicalLocale, localeAncestors, localeChain } from '../domain/locale.js';
import { builtInCatalogs, type Catalogs } from './locale-catalogs.js';

/** Named formats a message may use, e.g. `{expiresAt, date, expiry}`: long date and short time, in UTC. */
const FORMATS = {
  date: { expiry: { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' } },
  time: {},
  number: {},
} as const;

/** Compiled messages kept at most; locales come from callers, so the cache is bounded. */
const CACHE_MAX = 1000;

/**
 * Intl formatters for the messages, one per locale and style. intl-messageformat's default ones key their
 * cache by JSON-serialising the arguments on every call, which was most of an email's rendering time.
 */
function cachedFormatters() {
  const cache = new Map<string, WeakMap<object, unknown>>();
  const NO_STYLE = {};
  const cached = <T>(kind: string, make: (locales: string | string[], style?: object) => T) =>
    ((locales: string | string[], style?: object) => {
      const key = `${kind}\u0000${String(locales)}`;
      let byStyle = cache.get(key);
      if (!byStyle) {
        if (cache.size >= CACHE_MAX) cache.clear();
        byStyle = new WeakMap();
        cache.set(key, byStyle);
      }
      let formatter = byStyle.get(style ?? NO_STYLE) as T | undefined;
      if (!formatter) {
        formatter = make(locales, style);
        byStyle.set(style ?? NO_STYLE, formatter);
      }
      return formatter;
    }) as never;
  return {
    getNumberFormat: cached('n', (l, s) => new Intl.NumberFormat(l, s)),
    getDateTimeFormat: cached('d', (l, s) => new Intl.DateTimeFormat(l, s)),
    getPluralRules: cached('p', (l, s) => new Intl.PluralRules(l, s)),
  };
}

export type MessageValues = Record<string, string | number | Date | null | undefined>;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** A caller's value in an HTML rendering: escaped where it lands, yet still a string to `select`. */
class Text {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}
/** Markup a tag (`<b>…</b>`) made from already escaped parts. */
class Html {
  constructor(readonly html: string) {}
}
const htmlOf = (part: unknown): string =>
  part instanceof Html ? part.html : part instanceof Text ? escapeHtml(part.text) : escapeHtml(part);

/**
 * Invitation messages in many languages: ICU MessageFormat catalogs (intl-messageformat), the built-in
 * ones overridden key by key by the host's. A message for `fr-CA` is looked up in fr-CA, fr, then the
 * configured locale, then English; dates are formatted for the invitation's own locale when the message is
 * in its language (fr-CA dates in a fr message), else for the message's.
 */
export class Messages {
  /** The configured locale: invitations without one of their own render in it. */
  readonly defaultLocale: string;
  private readonly catalogs: Catalogs;
  /**
   * Per locale and key: the compiled message and the language it is written in. Building them (Intl.Locale,
   * the fallback chain, parsing) costs far more than formatting, so every email after the first pays only
   * for formatting.
   */
  private readonly compiled = new Map<
    string,
    { format: IntlMessageFormat; writtenIn: string; literal: string | null }
  >();
  /** Caller's tag → canonical tag (or the default), so each email does not canonicalise again. */
  private readonly resolved = new Map<string, string>();
  private readonly formatters = cachedFormatters();

  /**
   * `locale`: the configured locale (default `en`). `messages`: the host's catalogs, by locale. `base`:
   * the catalogs they override, default the built-in email catalogs (the hosted accept page adds its own).
   */
  constructor(options: { locale?: string | null; messages?: Catalogs | null; base?: Catalogs[] } = {}) {
    this.defaultLocale = options.locale ? checkedLocale(options.locale, 'locale') : BASE_LOCALE;
    const catalogs: Catalogs = {};
    for (const base of options.base ?? [builtInCatalogs]) {
      for (const [tag, catalog] of Object.entries(base)) catalogs[tag] = { ...catalogs[tag], ...catalog };
    }
    for (const [tag, catalog] of Object.entries(options.messages ?? {})) {
      const canonical = checkedLocale(tag, `messages.${tag}`);
      catalogs[canonical] = { ...catalogs[canonical], ...catalog };
    }
    this.catalogs = catalogs;
    // A host message with broken ICU syntax fails at start, naming it, not when an email is rendered.
    for (const [tag, catalog] of Object.entries(options.messages ?? {})) {
      for (const [key, message] of Object.entries(catalog)) {
        try {
          new IntlMessageFormat(message, canonicalLocale(tag)!, FORMATS);
        } catch (err) {
          throw new Error(
            `Invitekit: messages.${tag}.${key} is not an ICU message: ${(err as Error).message}`,
          );
        }
      }
    }
  }

  /** The locale an invitation renders in: its own, else the configured one. */
  resolve(locale: string | null | undefined): string {
    if (!locale) return this.defaultLocale;
    let resolved = this.resolved.get(locale);
    if (resolved === undefined) {
      resolved = canonicalLocale(locale) ?? this.defaultLocale;
      if (this.resolved.size >= CACHE_MAX) this.resolved.clear();
      this.resolved.set(locale, resolved);
    }
    return resolved;
  }

  /**
   * The language a message for `locale` is written in, for `lang` attributes: the locale itself when its
   * catalog (or an ancestor's: `fr` for `fr-CA`) has the message, else the fallback catalog's.
   */
  writtenIn(locale: string | null | undefined, key: string): string {
    return this.entry(locale, key).writtenIn;
  }

  /** A message as plain text; `<b>` marks are dropped. */
  text(locale: string | null | undefined, key: string, values: MessageValues = {}): string {
    const entry = this.entry(locale, key);
    if (entry.literal !== null) return entry.literal;
    const parts = entry.format.formatToParts<string>({
      ...values,
      b: (chunks: string[]) => chunks.join(''),
    });
    return parts.map((p) => String(p.value)).join('');
  }

  /** A message as HTML: its text and every value escaped, `<b>` as `<strong>`. */
  html(locale: string | null | undefined, key: string, values: MessageValues = {}): string {
    const entry = this.entry(locale, key);
    if (entry.literal !== null) return escapeHtml(entry.literal);
    const wrapped: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      wrapped[name] = typeof value === 'string' ? new Text(value) : value;
    }
    wrapped.b = (chunks: unknown[]) => new Html(`<strong>${chunks.map(htmlOf).join('')}</strong>`);
    const parts = entry.format.formatToParts(wrapped as never);
    return parts.map((p) => htmlOf(p.value)).join('');
  }

  private find(locale: string, key: string): { tag: string; message: string } {
    for (const tag of localeChain(locale, this.defaultLocale)) {
      const message = this.catalogs[tag]?.[key];
      if (message !== undefined) return { tag, message };
    }
    throw new Error(`Invitekit: no message "${key}" in any catalog`);
  }

  private entry(locale: string | null | undefined, key: string) {
    const resolved = this.resolve(locale);
    const cacheKey = `${resolved}\u0000${key}`;
    let entry = this.compiled.get(cacheKey);
    if (!entry) {
      const { tag, message } = this.find(resolved, key);
      const writtenIn = localeAncestors(resolved).includes(tag) ? resolved : tag;
      const format = new IntlMessageFormat(message, writtenIn, FORMATS, { formatters: this.formatters });
      // A message without arguments or tags (a button label) is the same text every time.
      const ast = format.getAst();
      const literal = ast.every((el) => el.type === 0)
        ? ast.map((el) => (el as { value: string }).value).join('')
        : null;
      entry = { format, writtenIn, literal };
      if (this.compiled.size >= CACHE_MAX) this.compiled.clear();
      this.compiled.set(cacheKey, entry);
    }
    return entry;
  }
}

function checkedLocale(value: string, name: string): string {
  const canonical = canonicalLocale(value);
  if (!canonical)
    throw new Error(`Invitekit: ${name} is not a BCP 47 language tag: ${JSON.stringify(value)}`);
  return canonical;
}
