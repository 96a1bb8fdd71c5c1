import pg from 'pg';
import type { Statement } from './database.js';

/** The PostgreSQL channel on which writes announce new due outbox rows to every process's dispatcher. */
export const OUTBOX_CHANNEL = 'invitekit_outbox';

/**
 * Announces due outbox rows to the dispatchers of every process (they LISTEN, see listenPostgres). Sent
 * after the write's commit, not inside its transaction: a NOTIFY in a transaction takes a lock that
 * serialises the commits of every notifying transaction in the cluster.
 *
 * $1 the channel, $2 the payload: the announcing process's id, so its own listener can ignore it.
 */
export const notifyOutbox: Statement = {
  name: 'invitekit_outbox_notify_v1',
  text: `SELECT pg_notify($1::text, $2::text)`,
};

/** A LISTEN connection; close() ends it and stops reconnecting. */
export interface Listener {
  close(): Promise<void>;
}

export interface ListenOptions {
  connectTimeoutMs: number;
  /** Wait before reconnecting after the connection failed or was lost, in ms. */
  retryMs: number;
  /** A connection failure or loss (the caller reports it; outages are logged once). */
  onError: (err: unknown) => void;
}

/**
 * Keeps one dedicated connection listening on `channel` and calls `onNotify` with each notification's
 * payload. After every (re)connection it calls `onNotify(null)` once too: notifications sent while it was
 * down are lost, so the caller looks for what they announced. While it is down, callers fall back on
 * polling.
 */
export function listenPostgres(
  url: string,
  channel: string,
  onNotify: (payload: string | null) => void,
  { connectTimeoutMs, retryMs, onError }: ListenOptions,
): Listener {
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  /** The connection `c` failed or was lost: drop it and open another after `retryMs` (once per connection). */
  const lost = (c: pg.Client, err: unknown) => {
    if (closed || client !== c) return;
    client = null;
    onError(err);
    c.end().catch(() => {});
    retry = setTimeout(connect, retryMs);
    retry.unref();
  };
  const connect = () => {
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
    });
    client = c;
    c.on('notification', (n) => onNotify(n.payload ?? null));
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('Connection terminated')));
    c.connect()
      .then(() => c.query(`LISTEN ${pg.escapeIdentifier(channel)}`))
      .then(
        () => {
          if (client === c) onNotify(null);
        },
        (err) => lost(c, err),
      );
  };
  connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
