import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { type Listener, listenPostgres } from './outbox-listen.js';
import { analyzeChangedTables, analyzePeriodically } from './pglite-analyze.js';
import { initPgliteInChild, pgliteStartParams } from './pglite-memory.js';
import { limitPgliteWait } from './pglite-turns.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** One dialect, two drivers: everything above storage sees this type only. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseConfig {
  /** PostgreSQL connection string. When absent, an embedded PGlite database is used. */
  url?: string;
  /** Folder for the embedded database; `memory://` keeps it in memory. Default `./.invitekit`. */
  dataDir?: string;
  /**
   * Maximum size of each of the two PostgreSQL pools (the prepared hot statements, everything else).
   * Default 16.
   */
  poolSize?: number;
  /**
   * How long getting the database may take, in ms (default 5000). PostgreSQL: opening a connection, or
   * waiting for a free one when the pool is busy; a database that refuses or never answers fails the call
   * then. PGlite: waiting for its turn (it runs one call at a time; see storage/pglite-turns.ts).
   */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL only (PGlite cannot interrupt a running statement): the longest a database call may take,
   * in ms (default 10 000). The server cancels a statement running longer (`statement_timeout`); and the
   * client gives up 250 ms after it, counted from when the call asked for a connection (waiting for one
   * included; a transaction's statements together), closing the connection, should the server not answer.
   */
  statementTimeoutMs?: number;
  /**
   * PGlite only: PostgreSQL settings for the embedded database (`{ shared_buffers: '64MB' }`), applied at
   * every start over Invitekit's defaults, which keep its memory small (shared_buffers 16MB; see
   * storage/pglite-memory.ts).
   */
  pgliteSettings?: Record<string, string | number>;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
/** How long a lost LISTEN connection waits before reconnecting, in ms. */
const LISTEN_RETRY_MS = 1_000;
/** How much longer than statement_timeout the client waits for a server that does not answer at all. */
const CLIENT_TIMEOUT_GRACE_MS = 250;

/**
 * A hand-written statement for a hot path the query builder cannot express in one round trip. On
 * PostgreSQL it is a named prepared statement, parsed and planned once per connection: its connections
 * run with `plan_cache_mode = force_generic_plan`, so write it so that one plan suits every parameter.
 */
export interface Statement {
  name: string;
  text: string;
}

export interface OpenDatabase {
  db: Database;
  driver: 'postgres' | 'pglite';
  /** Runs a prepared statement; rows come back as the driver parses them (int8 may be a string). */
  run<R>(statement: Statement, params: unknown[]): Promise<R[]>;
  /** Round trip to the database, for readiness checks. */
  ping(): Promise<void>;
  /**
   * PostgreSQL only: a dedicated connection that LISTENs on `channel`, reconnecting after `onError`
   * (storage/outbox-listen.ts). PGlite has one process, whose writes wake its dispatcher directly.
   */
  listen?(
    channel: string,
    onNotify: (payload: string | null) => void,
    onError: (err: unknown) => void,
  ): Listener;
  close(): Promise<void>;
}

// Arbitrary constant: serialises migrations when several server processes start at once.
const MIGRATION_LOCK = 7_431_902_118;

/** The committed SQL migrations sit at the package root, one level above `src/` and `dist/` alike. */
export function migrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', 'migrations'), join(here, '..', '..', 'migrations')]) {
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
  }
  throw new Error(`Invitekit: migrations folder not found next to ${here}`);
}

/** Opens the configured database and applies pending migrations before returning. */
export async function openDatabase(config: DatabaseConfig = {}): Promise<OpenDatabase> {
  return config.url
    ? openPostgres(config.url, {
        max: config.poolSize ?? 16,
        connectTimeoutMs: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        statementTimeoutMs: config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      })
    : openPglite(
        config.dataDir ?? './.invitekit',
        config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        config.pgliteSettings,
      );
}

/** Shards of organization_invitation_counts (migration 0006). */
const COUNT_SHARDS = 64;
let nextCountShard = randomInt(COUNT_SHARDS);

/**
 * A connection that tells the invitation counter trigger which shard to add to (`invitekit.count_shard`):
 * each connection of this process a different one, so two creates in one organization never wait for each
 * other's counter row (held until commit). Other processes start at another random shard.
 */
class ShardedClient extends pg.Client {
  constructor(config: pg.ClientConfig = {}) {
    const shard = `-c invitekit.count_shard=${nextCountShard++ % COUNT_SHARDS}`;
    super({ ...config, options: config.options ? `${config.options} ${shard}` : shard });
    // A connection lost while checked out emits here (its queries get the error too); without a listener
    // the process would crash. The pool then drops the client when it is released.
    this.on('error', () => {});
    limitQueries(this, config.query_timeout);
    releaseWhenLost(this);
  }
}

/**
 * Gives a checked-out client back to the pool, to be dropped, when its connection is lost. drizzle's
 * transaction() sends BEGIN before its try/finally, so a client whose BEGIN fails is never released: each
 * outage would leak connections until the pool is exhausted for good, and the pool's end() would wait for
 * them forever. pg-pool sets `release` on every checkout; here it also becomes idempotent, so the holder's
 * own release afterwards is a no-op rather than pg-pool's double-release error.
 */
function releaseWhenLost(client: pg.Client): void {
  type Release = (err?: Error | boolean) => void;
  let poolRelease: Release | undefined;
  let held = false;
  const release: Release = (err) => {
    if (!held) return;
    held = false;
    poolRelease?.(err);
  };
  Object.defineProperty(client, 'release', {
    configurable: true,
    get: () => release,
    set: (fn: Release) => {
      poolRelease = fn;
      held = true;
    },
  });
  client.once('end', () => release(new Error('Connection terminated')));
}

/** When the holder of each checked-out client began waiting for it. */
const checkoutBegan = new WeakMap<object, number>();

/** A pool that stamps each checkout with when it was asked for (see limitQueries). */
class StampingPool extends pg.Pool {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Pool's connect() has a promise and a callback overload.
  override connect(callback?: any): any {
    const began = Date.now();
    if (typeof callback === 'function') {
      return super.connect((err, client, done) => {
        if (client) checkoutBegan.set(client, began);
        callback(err, client, done);
      });
    }
    return super.connect().then((client) => {
      checkoutBegan.set(client, began);
      return client;
    });
  }
}

/**
 * The client-side limit: a checkout's statements must be answered within `budgetMs` of when the checkout
 * was asked for, waiting for the connection included, so that no request waits a connect timeout and then
 * a statement timeout on top. (The server's statement_timeout, a little shorter, normally cancels first.)
 *
 * After node-postgres's client-side `query_timeout`, the client still waits for the unanswered query, so
 * every later query on it would hang behind it: the socket is closed, which fails the client (not
 * queryable), and the pool drops it on release.
 */
function limitQueries(client: pg.Client, budgetMs: number | undefined): void {
  type Query = (...args: unknown[]) => unknown;
  const query = client.query as unknown as Query;
  const drop = (err: unknown) => {
    if (err instanceof Error && err.message === 'Query read timeout') {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }
  };
  (client as unknown as { query: Query }).query = function (this: pg.Client, ...args: unknown[]) {
    const began = checkoutBegan.get(client);
    const text = args[0];
    if (budgetMs && began !== undefined) {
      const query_timeout = Math.max(1, began + budgetMs - Date.now());
      // Plain configs only: a Submittable (a cursor) is left with the client's own limit.
      if (typeof text === 'string') args[0] = { text, query_timeout };
      else if (text && Object.getPrototypeOf(text) === Object.prototype) args[0] = { ...text, query_timeout };
    }
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: unknown, result: unknown) => {
        if (err) drop(err);
        callback(err, result);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    if (result instanceof Promise) result.catch(drop);
    return result;
  };
}

async function openPostgres(
  url: string,
  {
    max,
    connectTimeoutMs,
    statementTimeoutMs,
  }: { max: number; connectTimeoutMs: number; statementTimeoutMs: number },
): Promise<OpenDatabase> {
  // Migrate over one dedicated connection holding a session advisory lock; no statement timeout there, as a
  // migration may rightly take long.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzlePg(client, { schema }), { migrationsFolder: migrationsFolder() });
  } finally {
    await client.end();
  }
  // Neither a database that refuses nor one that never answers can hold a request past these timeouts.
  const timeouts = {
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + CLIENT_TIMEOUT_GRACE_MS,
    keepAlive: true,
  };
  const pool = new StampingPool({ connectionString: url, max, Client: ShardedClient, ...timeouts });
  // The prepared statements get connections of their own that always reuse the statement's generic plan.
  // By default PostgreSQL plans a statement anew on every execution when its first five custom plans
  // look cheaper than the generic one, as a LIMIT $n query's always do: planning the list page took
  // 0.2 ms, executing it 0.08 ms. The query builder's statements keep the default on the other pool.
  const prepared = new StampingPool({
    connectionString: url,
    max,
    // No JIT either: a batched statement's estimate (up to 16 items, each priced as a bitmap scan) passes
    // jit_above_cost, and compiling it took 60 ms of every execution that runs in 0.5 ms.
    options: '-c plan_cache_mode=force_generic_plan -c jit=off',
    Client: ShardedClient,
    ...timeouts,
  });
  // An idle client that loses its connection emits here; without a listener it would crash the process.
  pool.on('error', () => {});
  prepared.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Database;
  return {
    db,
    driver: 'postgres',
    run: async <R>(statement: Statement, params: unknown[]) =>
      (await prepared.query({ name: statement.name, text: statement.text, values: params })).rows as R[],
    ping: async () => {
      await pool.query('SELECT 1');
    },
    listen: (channel, onNotify, onError) =>
      listenPostgres(url, channel, onNotify, { connectTimeoutMs, retryMs: LISTEN_RETRY_MS, onError }),
    close: async () => {
      await Promise.all([pool.end(), prepared.end()]);
    },
  };
}

async function openPglite(
  dataDir: string,
  waitTimeoutMs: number,
  settings: Record<string, string | number> | undefined,
): Promise<OpenDatabase> {
  // Loaded only when used: a PostgreSQL deployment never pays for the embedded database's code.
  const [
    { PGlite, parse, protocol, types },
    { pg_trgm },
    { drizzle: drizzlePglite },
    { migrate: migratePglite },
  ] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const inMemory = dataDir.startsWith('memory://');
  const startParams = pgliteStartParams(PGlite.defaultStartParams, settings);
  if (!inMemory) {
    mkdirSync(resolve(dataDir), { recursive: true });
    await initPgliteInChild(resolve(dataDir), startParams);
  }
  const client = await PGlite.create(inMemory ? dataDir : resolve(dataDir), {
    extensions: { pg_trgm },
    startParams,
  });
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: migrationsFolder() });
  // No autovacuum runs inside PGlite: statistics are kept here instead (storage/pglite-analyze.ts).
  await analyzeChangedTables(client);
  const stopAnalyzing = analyzePeriodically(client);
  limitPgliteWait(client, waitTimeoutMs);
  // Hand-written statements are prepared once and then only bound and executed, in one protocol message:
  // PGlite runs in this thread, and query() parses, describes and plans the statement on every call
  // (create: 0.99 ms a call through query(), 0.22 ms prepared; list: 2.7 ms, 0.37 ms).
  const { serialize } = protocol;
  const FORCE_GENERIC_PLAN = serialize.query('SET plan_cache_mode = force_generic_plan');
  const RESET_PLAN_MODE = serialize.query('RESET plan_cache_mode');
  const preparedNames = new Set<string>();
  const run = async <R>(statement: Statement, params: unknown[]): Promise<R[]> => {
    // Decided when the call gets its turn, not when it is made: a call ahead of it may have timed out
    // waiting (pglite-turns.ts) and never parsed the statement.
    const execute = async () => {
      const parsing = !preparedNames.has(statement.name);
      const parts = [
        // As on PostgreSQL (see openPostgres), reuse one generic plan rather than planning every call; the
        // setting is PGlite's one session's, so it is set for this statement only.
        FORCE_GENERIC_PLAN,
        ...(parsing ? [serialize.parse({ name: statement.name, text: statement.text })] : []),
        serialize.bind({ statement: statement.name, values: params.map(toText) }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
        RESET_PLAN_MODE,
      ];
      preparedNames.add(statement.name);
      try {
        return await client.execProtocol(concat(parts));
      } catch (err) {
        if (parsing) {
          // Whether the parse or a later step failed, leave the name unprepared for the next call.
          preparedNames.delete(statement.name);
          const close = concat([serialize.close({ type: 'S', name: statement.name }), serialize.sync()]);
          await client.execProtocol(close).catch(() => {});
        }
        throw err;
      }
    };
    // Both of PGlite's locks, as its own query() takes them: never inside someone else's transaction.
    const { messages } = await client._runExclusiveTransaction(() => client._runExclusiveQuery(execute));
    // Three results: the SET, the statement, the RESET.
    return (parse.parseResults(messages, types.parsers)[1]?.rows ?? []) as R[];
  };
  return {
    db: db as unknown as Database,
    driver: 'pglite',
    run,
    ping: async () => {
      await db.execute(sql`SELECT 1`);
    },
    close: () => {
      stopAnalyzing();
      return client.close();
    },
  };
}

/** A bind parameter in PostgreSQL's text format, as PGlite's query() would send it. */
function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Array.isArray(value))
    return `{${value.map((v) => `"${String(v).replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  return String(value);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
