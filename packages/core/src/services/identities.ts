import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { normalizeEmail } from '../domain/email.js';
import { newId } from '../domain/ids.js';
import type { AuthenticatedUser } from '../domain/models.js';
import { automaticEnrollmentModes } from '../domain/organization-domains.js';
import { Batcher } from '../storage/batcher.js';
import type { Database, Statement } from '../storage/database.js';
import { rowsOf } from '../storage/sql-rows.js';
import type { ServiceContext } from './context.js';
import { repointPrimaries } from './email-owners.js';

/** How many recently seen people each process remembers, so a signed-in request rarely writes. */
const SEEN_MAX = 10_000;
const SEEN_TTL_MS = 5 * 60 * 1000;

/** A signed-in person's addresses, normalised, verified ones first, without repeats. */
export function identityEmails(user: AuthenticatedUser): { emailAddress: string; verified: boolean }[] {
  const byEmail = new Map<string, boolean>();
  for (const e of user.emailAddresses) {
    let email: string;
    try {
      email = normalizeEmail(e.emailAddress);
    } catch {
      continue; // not an address anyone can be invited at
    }
    byEmail.set(email, (byEmail.get(email) ?? false) || e.verified === true);
  }
  return [...byEmail]
    .map(([emailAddress, verified]) => ({ emailAddress, verified }))
    .sort((a, b) => Number(b.verified) - Number(a.verified));
}

/** The addresses a signed-in person has proven they own: the only ones that can accept an invitation. */
export const verifiedEmails = (user: AuthenticatedUser) =>
  identityEmails(user)
    .filter((e) => e.verified)
    .map((e) => e.emailAddress);

const seenKey = (user: AuthenticatedUser) =>
  `${user.id}\n${identityEmails(user)
    .map((e) => `${e.emailAddress}:${e.verified}`)
    .join(',')}`;

/**
 * Signed-in people, as the host's identity provider vouches for them, kept in the directory: a person
 * seen for the first time becomes a user (under their own id) with their addresses; an address already
 * owned by another user stays with that user, unless only this person has verified it. Names are set only
 * on creation (the Backend API owns them).
 */
export class IdentitiesService {
  private readonly seen = new Map<string, number>();
  /** Directory writes in progress, by seenKey: a person's concurrent requests wait for the same one. */
  private readonly writing = new Map<string, Promise<boolean>>();
  /** First-seen people written together under load (storage/batcher.ts), one write at a time, as accepts. */
  private readonly writes: Batcher<AuthenticatedUser, boolean>;

  constructor(private readonly ctx: ServiceContext) {
    this.writes = new Batcher((people) => syncPeople(people, ctx, true), {
      maxInFlight: 1,
      maxBatch: 64,
    });
  }

  /**
   * Adds the person to the directory unless this process did so recently. The write does not wait for
   * the WAL flush (`synchronous_commit = off`): it is idempotent and redone whenever it matters (an accept
   * syncs again in its own transaction unless this process just did), so a crash can only lose a row
   * that the next request writes again. Under load, the people of concurrent requests are written by one
   * statement (storage/batcher.ts), and a person's concurrent requests share one write. True when it wrote
   * and a verified domain that enrolls automatically matches a verified address of the person's (then
   * organizationDomains.enrollUser may have work; otherwise it has none, and is spared a round trip).
   */
  async remember(user: AuthenticatedUser): Promise<boolean> {
    if (this.isKnown(user)) return false;
    const key = seenKey(user);
    let write = this.writing.get(key);
    if (!write) {
      write = this.writes.run(user).finally(() => this.writing.delete(key));
      this.writing.set(key, write);
    }
    const mayEnroll = await write;
    if (this.seen.size >= SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, this.ctx.now());
    return mayEnroll;
  }

  /** Whether this process wrote the person, as they are now, to the directory recently. */
  isKnown(user: AuthenticatedUser): boolean {
    const at = this.seen.get(seenKey(user));
    return at !== undefined && this.ctx.now() - at < SEEN_TTL_MS;
  }

  /** Forgets that the person was written (e.g. their user was deleted since), so the next sync writes. */
  forget(user: AuthenticatedUser): void {
    this.seen.delete(seenKey(user));
  }

  /**
   * Ensures the user and their addresses exist, in one statement (usable inside a transaction). An
   * address this user already has takes the identity's verification state. An address of another user
   * is left alone, unless it is unverified there and verified here: then this user takes it over
   * (email-owners.ts).
   */
  async sync(user: AuthenticatedUser, tx?: Database): Promise<void> {
    await syncPeople([user], this.ctx, false, tx);
  }
}

/** The values of syncPeopleSql: SQL parameters through drizzle, or `$n` placeholders for the prepared text. */
interface SyncValues {
  relaxed: SQL;
  people: SQL;
  input: SQL;
  now: SQL;
}

/**
 * `sync` for several people in one statement, each as if alone; `relaxed`: the statement commits without
 * waiting for the WAL flush (it must then run on its own, not inside a transaction). Two people naming
 * one address fail it as a whole ("cannot affect row a second time"), and the Batcher then writes each
 * alone, in turn. For each person, whether a verified domain that enrolls automatically matches one of
 * their verified addresses, given or already known (a superset of what enrollment will find).
 */
const syncPeopleSql = (v: SyncValues) => sql`
WITH settings AS (
  SELECT CASE WHEN ${v.relaxed}::boolean THEN set_config('synchronous_commit', 'off', true) END
), people AS (
  SELECT p.* FROM settings, jsonb_to_recordset(${v.people}::jsonb)
    AS p(n int, id text, first_name text, last_name text)
), input AS (
  SELECT * FROM jsonb_to_recordset(${v.input}::jsonb)
    AS e(n int, user_id text, id text, email text, verified boolean, ord int)
), taken AS (
  -- Looked up by address (an index scan): joined to the input alone, the planner, guessing 100 people,
  -- read every unverified address for each group.
  SELECT a.id FROM email_addresses a JOIN input i ON i.email = a.email_address
  WHERE a.email_address = ANY(ARRAY(SELECT email FROM input)) AND i.verified AND NOT a.verified AND a.user_id <> i.user_id
), repointed AS (${repointPrimaries(sql`SELECT id FROM taken`)}
), u AS (
  INSERT INTO users (id, first_name, last_name, primary_email_address_id, created_at, updated_at)
  SELECT p.id, p.first_name, p.last_name,
    (SELECT i.id FROM input i
     WHERE i.n = p.n AND NOT EXISTS (SELECT 1 FROM email_addresses a
                       WHERE a.email_address = i.email AND a.id NOT IN (SELECT id FROM taken))
     ORDER BY i.ord LIMIT 1),
    ${v.now}::bigint, ${v.now}::bigint
  FROM people p
  ORDER BY p.n
  ON CONFLICT (id) DO NOTHING
  RETURNING id
), written AS (
INSERT INTO email_addresses AS a (id, user_id, email_address, verified, created_at, updated_at)
SELECT i.id, i.user_id, i.email, i.verified, ${v.now}::bigint, ${v.now}::bigint FROM input i
ORDER BY i.n, i.ord
ON CONFLICT (email_address) DO UPDATE SET
  id = CASE WHEN a.user_id = excluded.user_id THEN a.id ELSE excluded.id END,
  created_at = CASE WHEN a.user_id = excluded.user_id THEN a.created_at ELSE excluded.created_at END,
  user_id = excluded.user_id, verified = excluded.verified, updated_at = excluded.updated_at
  WHERE (a.user_id = excluded.user_id AND a.verified <> excluded.verified)
     OR (excluded.verified AND NOT a.verified)
)
SELECT EXISTS (
  SELECT 1 FROM organization_domains od
  WHERE od.verified AND od.enrollment_mode IN (${sql.raw(
    // Constants of the code, written into the text so that the prepared statement has no parameter more.
    automaticEnrollmentModes.map((m) => `'${m}'`).join(', '),
  )})
    AND od.name IN (
      SELECT split_part(i.email, '@', 2) FROM input i WHERE i.n = p.n AND i.verified
      UNION ALL
      SELECT split_part(a.email_address, '@', 2) FROM email_addresses a WHERE a.user_id = p.id AND a.verified)
) AS may_enroll
FROM people p
ORDER BY p.n`;

/**
 * syncPeopleSql prepared (storage/database.ts): outside a transaction, the people are written by a
 * statement parsed and planned once per connection, not for every group (bench/README.md, "Accept").
 */
const syncPeopleStatement: Statement = {
  name: 'invitekit_sync_people_v1',
  text: new PgDialect().sqlToQuery(
    syncPeopleSql({
      relaxed: sql.raw('$1'),
      people: sql.raw('$2'),
      input: sql.raw('$3'),
      now: sql.raw('$4'),
    }),
  ).sql,
};

/** Writes the people (syncPeopleSql); inside `tx` when given, otherwise as the prepared statement. */
async function syncPeople(
  people: AuthenticatedUser[],
  ctx: ServiceContext,
  relaxed: boolean,
  tx?: Database,
): Promise<boolean[]> {
  const now = ctx.now();
  const input = JSON.stringify(
    people.flatMap((user, n) =>
      identityEmails(user).map((e, ord) => ({
        n,
        user_id: user.id,
        id: newId('emailAddress', now),
        email: e.emailAddress,
        verified: e.verified,
        ord,
      })),
    ),
  );
  const rows = JSON.stringify(
    people.map((user, n) => ({
      n,
      id: user.id,
      first_name: user.firstName ?? null,
      last_name: user.lastName ?? null,
    })),
  );
  type Row = { may_enroll: boolean };
  const result = tx
    ? rowsOf<Row>(
        await tx.execute(
          syncPeopleSql({
            relaxed: sql`${relaxed}`,
            people: sql`${rows}`,
            input: sql`${input}`,
            now: sql`${now}`,
          }),
        ),
      )
    : await ctx.run<Row>(syncPeopleStatement, [relaxed, rows, input, now]);
  return result.map((r) => r.may_enroll);
}
