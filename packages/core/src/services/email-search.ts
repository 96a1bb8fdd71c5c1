import { and, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../storage/database.js';
import { containsPattern, containsText, likePattern } from './listing.js';

const SAMPLE_TTL_MS = 10 * 60 * 1000;
/** A trigram in more than this share of the sampled addresses is too common to look up. */
const COMMON_SHARE = 0.02;

/**
 * The instance-wide `query` search of organization invitations' addresses, through the trigram index
 * (organization_invitations_email_trgm_idx) without its common trigrams. GIN intersects the posting lists of
 * every trigram of a LIKE pattern; a trigram that most addresses hold (`use`, `ser` of `user4242-`, or `com`,
 * `mai` of a whole address) has a list as long as the table, and reading it costs milliseconds per lookup
 * at 1,000,000 invitations (bench/README.md, "At scale"). So the index is asked for the longest stretch of
 * the query made of uncommon trigrams only, and each row it returns is checked against the whole query.
 * Which trigrams are common is read from the planner's sample of the column (pg_stats, after ANALYZE),
 * refreshed every 10 minutes; without one (a fresh or embedded database), the whole query is the pattern.
 */
export class EmailSearch {
  private sample: Promise<string[]> | null = null;
  private sampledAt = 0;

  constructor(
    private readonly db: Database,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The LIKE pattern the index is asked for, the lower-cased query every row must contain, and whether the
   * pattern is made of uncommon trigrams only (so that it matches few rows).
   */
  async patterns(query: string): Promise<EmailPatterns> {
    const text = query.toLowerCase();
    const stretch = uncommonStretch(text, await this.addresses());
    return { pattern: likePattern(stretch ?? text), text, selective: stretch !== null };
  }

  private addresses(): Promise<string[]> {
    if (!this.sample || this.now() - this.sampledAt > SAMPLE_TTL_MS) {
      this.sampledAt = this.now();
      this.sample = this.db
        .execute(
          sql`SELECT unnest(histogram_bounds::text::text[]) AS v FROM pg_stats
              WHERE schemaname = current_schema() AND tablename = ${this.table} AND attname = 'email_address'`,
        )
        .then((r) => (r as unknown as { rows: { v: string }[] }).rows.map((x) => x.v))
        .catch(() => []);
    }
    return this.sample;
  }
}

export interface EmailPatterns {
  pattern: string;
  text: string;
  selective: boolean;
}

/** The condition that `column` holds the query of `search`, the index asked for its pattern. */
export const searchCondition = (column: PgColumn, search: EmailPatterns): SQL =>
  search.selective
    ? and(sql`${column} LIKE ${search.pattern}`, containsText(column, search.text))!
    : containsPattern(column, search.text);

/**
 * The longest part of `query` whose trigrams, as pg_trgm takes them from a LIKE pattern (three characters
 * in a row within one run of letters and digits), are each held by at most COMMON_SHARE of `sample`; null
 * when there is no sample or no such part of 4 characters or more (two trigrams: one uncommon trigram alone
 * may still match a few percent of the table).
 */
export function uncommonStretch(query: string, sample: readonly string[]): string | null {
  if (sample.length === 0) return null;
  const limit = Math.max(1, Math.floor(sample.length * COMMON_SHARE));
  const uncommon = (trigram: string) => {
    let n = 0;
    for (const s of sample) if (s.includes(trigram) && ++n > limit) return false;
    return true;
  };
  let best: string | null = null;
  for (const word of query.match(/[\p{L}\p{N}]+/gu) ?? []) {
    let start = 0;
    for (let i = 0; i + 3 <= word.length; i++) {
      if (!uncommon(word.slice(i, i + 3))) {
        start = i + 1;
        continue;
      }
      const stretch = word.slice(start, i + 3);
      if (!best || stretch.length > best.length) best = stretch;
    }
  }
  return best && best.length >= 4 ? best : null;
}
