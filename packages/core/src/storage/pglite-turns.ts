/**
 * PGlite runs one call at a time in this thread: there is no connection to time out, and no statement
 * timeout either (PGlite has no timer signals: `SET statement_timeout = 200` did not stop a 2 s
 * `pg_sleep`, and a running statement blocks the event loop, so no JavaScript timer can interrupt it).
 * What can be bounded is the wait for a turn, as pg-pool bounds the wait for a connection: a call that has
 * not started within `waitTimeoutMs` is failed with an outage error (answered 503), and never runs, so it
 * writes nothing.
 *
 * Every call PGlite serves from outside a transaction (query, exec, transaction, describeQuery, and the
 * prepared statements of storage/database.ts) enters through `_runExclusiveTransaction`; statements inside
 * a transaction do not. So taking turns there, in a queue of our own that can drop a waiter, bounds them all.
 */
export function limitPgliteWait(
  client: { _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> },
  waitTimeoutMs: number,
): void {
  const original = client._runExclusiveTransaction.bind(client);
  const waiting: { start: () => void }[] = [];
  let busy = false;

  const turn = () =>
    new Promise<void>((resolve, reject) => {
      if (!busy) {
        busy = true;
        return resolve();
      }
      const waiter = {
        start: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(waiter), 1);
        reject(
          Object.assign(
            new Error(`timeout exceeded when waiting ${waitTimeoutMs} ms for the embedded database`),
            {
              code: 'ETIMEDOUT',
            },
          ),
        );
      }, waitTimeoutMs);
      waiting.push(waiter);
    });
  const done = () => {
    const next = waiting.shift();
    if (next) next.start();
    else busy = false;
  };

  client._runExclusiveTransaction = async <T>(fn: () => Promise<T>): Promise<T> => {
    await turn();
    try {
      return await original(fn);
    } finally {
      done();
    }
  };
}
