import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { automaticEnrollmentModes } from '../domain/organization-domains.js';
import type { Statement } from './database.js';
import { repointPrimaries } from './email-owners.js';

/**
 * The values of the directory write: SQL parameters through drizzle, or `$n` placeholders for a prepared
 * text. `people`: jsonb array of { n, id, first_name, last_name }; `input`: jsonb array of their addresses,
 * { n, user_id, id, email, verified, ord } (services/identities.ts peopleJson builds both).
 */
export interface PeopleValues {
  relaxed: SQL;
  people: SQL;
  input: SQL;
  now: SQL;
}

/**
 * The directory write, as CTEs (`settings` … `written`, then `people_enroll`) for a statement to start
 * with: services/identities.ts runs them alone (syncPeopleSql), and the accept statement
 * (acceptance-statements.ts) runs them before its own, so a first-seen person's accept is one statement.
 *
 * Each person is written as if alone: created under their own id with their addresses (names only on
 * creation, the Backend API owns them); an address they already have takes the identity's verification
 * state; an address of another user is left alone, unless it is unverified there and verified here: then
 * this person takes it over (email-owners.ts). Two people naming one address fail the statement as a whole
 * ("cannot affect row a second time"); the Batcher then runs each item alone, in turn. `relaxed`: the
 * statement commits without waiting for the WAL flush (it must then run on its own, not inside a
 * transaction).
 *
 * `people_enroll`: for each person (n, id), whether a verified domain that enrolls automatically matches
 * one of their verified addresses, given or already known (a superset of what enrollment will find).
 */
export const peopleWriteCtes = (v: PeopleValues) => sql`
settings AS (
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
), people_enroll AS (
SELECT p.n, p.id, EXISTS (
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
)`;

/** The directory write alone: for each person, in order, `may_enroll` (see peopleWriteCtes). */
export const syncPeopleSql = (v: PeopleValues) => sql`
WITH ${peopleWriteCtes(v)}
SELECT may_enroll FROM people_enroll ORDER BY n`;

/** SQL text with `$n` placeholders, for a prepared statement (storage/database.ts). */
export const preparedText = (query: SQL) => new PgDialect().sqlToQuery(query).sql;

/**
 * syncPeopleSql prepared: outside a transaction, the people are written by a statement parsed and planned
 * once per connection, not for every group (bench/README.md, "Accept").
 *
 * $1 relaxed, $2 people, $3 their addresses, $4 now.
 */
export const syncPeopleStatement: Statement = {
  name: 'invitekit_sync_people_v2',
  text: preparedText(
    syncPeopleSql({
      relaxed: sql.raw('$1'),
      people: sql.raw('$2'),
      input: sql.raw('$3'),
      now: sql.raw('$4'),
    }),
  ),
};
