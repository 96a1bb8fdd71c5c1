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
  private readonly compiled = new Map<string, IntlMessageFormat>();

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
    return (locale && canonicalLocale(locale)) || this.defaultLocale;
  }

  /**
   * The language a message for `locale` is written in, for `lang` attributes: the locale itself when its
   * catalog (or an ancestor's: `fr` for `fr-CA`) has the message, else the fallback catalog's.
   */
  writtenIn(locale: string | null | undefined, key: string): string {
    const resolved = this.resolve(locale);
    const { tag } = this.find(resolved, key);
    return localeAncestors(resolved).includes(tag) ? resolved : tag;
  }

  /** A message as plain text; `<b>` marks are dropped. */
  text(locale: string | null | undefined, key: string, values: MessageValues = {}): string {
    const parts = this.message(locale, key).formatToParts<string>({
      ...values,
      b: (chunks: string[]) => chunks.join(''),
    });
    return parts.map((p) => String(p.value)).join('');
  }

  /** A message as HTML: its text and every value escaped, `<b>` as `<strong>`. */
  html(locale: string | null | undefined, key: string, values: MessageValues = {}): string {
    const wrapped: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      wrapped[name] = typeof value === 'string' ? new Text(value) : value;
    }
    wrapped.b = (chunks: unknown[]) => new Html(`<strong>${chunks.map(htmlOf).join('')}</strong>`);
    const parts = this.message(locale, key).formatToParts(wrapped as never);
    return parts.map((p) => htmlOf(p.value)).join('');
  }

  private find(locale: string, key: string): { tag: string; message: string } {
    for (const tag of localeChain(locale, this.defaultLocale)) {
      const message = this.catalogs[tag]?.[key];
      if (message !== undefined) return { tag, message };
    }
    throw new Error(`Invitekit: no message "${key}" in any catalog`);
  }

  private message(locale: string | null | undefined, key: string): IntlMessageFormat {
    const resolved = this.resolve(locale);
    const cacheKey = `${resolved}\u0000${key}`;
    let compiled = this.compiled.get(cacheKey);
    if (!compiled) {
      const { message } = this.find(resolved, key);
      compiled = new IntlMessageFormat(message, this.writtenIn(resolved, key), FORMATS);
      if (this.compiled.size >= CACHE_MAX) this.compiled.clear();
      this.compiled.set(cacheKey, compiled);
    }
    return compiled;
  }
}

function checkedLocale(value: string, name: string): string {
  const canonical = canonicalLocale(value);
  if (!canonical)
    throw new Error(`Invitekit: ${name} is not a BCP 47 language tag: ${JSON.stringify(value)}`);
  return canonical;
}
