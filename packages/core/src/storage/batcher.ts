import { isDatabaseUnavailable } from '../domain/pg-errors.js';

/**
 * Lets concurrent calls of one statement share an execution. Up to `maxInFlight` executions run at once;
 * calls that arrive while all of them are busy wait, and the next execution takes up to `maxBatch` of
 * them together. Like DataLoader, an execution starts at the end of the event loop's current turn
 * (setImmediate), so the calls of requests read in the same turn go together; nothing waits on a timer.
 * Under load, that turns many small transactions (each paying a round trip, a commit and a WAL flush)
 * into fewer larger ones. On PGlite, which runs statements synchronously in this thread, the turn is all
 * the grouping there is: without it, each request's statement ran before the next request was read.
 *
 * `exec` must treat its items independently (one result per item, in order), so that grouping changes no
 * outcome. If a grouped execution fails, each of its items is run again alone, so an error reaches only
 * the call that caused it.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (out: O) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly exec: (items: I[]) => Promise<O[]>,
    private readonly options: { maxInFlight: number; maxBatch: number },
  ) {}

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const calls = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      let freed = false;
      const free = () => {
        if (freed) return false;
        freed = true;
        this.inFlight--;
        return true;
      };
      this.execute(calls, () => {
        if (free()) this.pump();
      }).finally(() => {
        free();
        this.schedule();
      });
    }
  }

  /**
   * `done` frees the execution's slot once its results are in, before its calls are answered: the calls
   * that queued meanwhile start at once, so the database works on them while this process carries on
   * with the answered ones (their responses, their emails), instead of after it. With one execution in
   * flight, that was the time the database sat idle between two executions.
   */
  private async execute(calls: typeof this.queue, done: () => void): Promise<void> {
    let outs: O[];
    try {
      outs = await this.exec(calls.map((c) => c.item));
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        // An outage fails every item alike: running each alone would only make each wait its timeout
        // again. The calls queued behind this execution meanwhile fail with it, rather than wait for a
        // turn and then a timeout of their own (which would double their wait).
        for (const c of [...calls, ...this.queue.splice(0)]) c.reject(err);
        return;
      }
      if (calls.length === 1) return calls[0]!.reject(err);
      for (const c of calls) {
        await this.exec([c.item]).then(
          ([out]) => c.resolve(out!),
          (e) => c.reject(e),
        );
      }
      return;
    }
    done();
    for (const [i, c] of calls.entries()) c.resolve(outs[i]!);
  }
}
