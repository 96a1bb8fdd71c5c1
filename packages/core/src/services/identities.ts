import { sql } from 'drizzle-orm';
import { normalizeEmail } from '../domain/email.js';
import { newId } from '../domain/ids.js';
import type { AuthenticatedUser } from '../domain/models.js';
import { Batcher } from '../storage/batcher.js';
import type { Database } from '../storage/database.js';
import { syncPeopleSql, syncPeopleStatement } from '../storage/people-statements.js';
import { rowsOf } from '../storage/sql-rows.js';
import type { ServiceContext } from './context.js';

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
 * The people given, each once (a person accepting twice in one batch is written once: twice, their
 * addresses would fail the statement, "cannot affect row a second time").
 */
export function uniquePeople(people: (AuthenticatedUser | null)[]): AuthenticatedUser[] {
  const byKey = new Map<string, AuthenticatedUser>();
  for (const p of people) if (p) byKey.set(seenKey(p), p);
  return [...byKey.values()];
}

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

  constructor(
    private readonly ctx: ServiceContext,
    private readonly deps: { enroll: (userId: string) => Promise<unknown> },
  ) {
    this.writes = new Batcher((people) => syncPeople(people, ctx, true), {
      maxInFlight: 1,
      maxBatch: 64,
    });
  }

  /**
   * What the Frontend API does with every signed-in person before a route runs: `remember`, then, when it
   * wrote them and a domain may enroll them, organizationDomains.enrollUser.
   */
  async identify(user: AuthenticatedUser): Promise<void> {
    if (await this.remember(user)) await this.deps.enroll(user.id);
  }

  /**
   * `identify`'s end, for a person another statement wrote as `remember` would have (the accept statement
   * writes a first-seen person itself, storage/acceptance-statements.ts): known from now on, enrolled
   * when a domain may enroll them.
   */
  async identified(user: AuthenticatedUser, mayEnroll: boolean): Promise<void> {
    this.markSeen(user);
    if (mayEnroll) await this.deps.enroll(user.id);
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
    this.markSeen(user);
    return mayEnroll;
  }

  private markSeen(user: AuthenticatedUser): void {
    if (this.seen.size >= SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(seenKey(user), this.ctx.now());
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
   * (storage/email-owners.ts).
   */
  async sync(user: AuthenticatedUser, tx?: Database): Promise<void> {
    await syncPeople([user], this.ctx, false, tx);
  }
}

/**
 * The people as the directory write (storage/people-statements.ts) takes them: `people` and their
 * addresses (`input`), as jsonb text, each address with a new id in case it is inserted.
 */
export function peopleJson(people: AuthenticatedUser[], now: number): { people: string; input: string } {
  return {
    people: JSON.stringify(
      people.map((user, n) => ({
        n,
        id: user.id,
        first_name: user.firstName ?? null,
        last_name: user.lastName ?? null,
      })),
    ),
    input: JSON.stringify(
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
    ),
  };
}

/** Writes the people (syncPeopleSql); inside `tx` when given, otherwise as the prepared statement. */
async function syncPeople(
  people: AuthenticatedUser[],
  ctx: ServiceContext,
  relaxed: boolean,
  tx?: Database,
): Promise<boolean[]> {
  const now = ctx.now();
  const json = peopleJson(people, now);
  type Row = { may_enroll: boolean };
  const result = tx
    ? rowsOf<Row>(
        await tx.execute(
          syncPeopleSql({
            relaxed: sql`${relaxed}`,
            people: sql`${json.people}`,
            input: sql`${json.input}`,
            now: sql`${now}`,
          }),
        ),
      )
    : await ctx.run<Row>(syncPeopleStatement, [relaxed, json.people, json.input, now]);
  return result.map((r) => r.may_enroll);
}
