import type { DeliveryLog } from './options.js';

/**
 * A background job of this process: `work` runs once at start and then every `intervalMs`, one run at a
 * time (a run asked for while one is going joins it). A failed run is logged unless it is an outage, which
 * is logged once elsewhere; the next interval tries again. The expiry and reminder sweepers are ones.
 */
export abstract class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;

  /** One run's work; resolves to what it counted (invitations expired, reminders sent). */
  protected abstract work(): Promise<number>;

  constructor(
    private readonly options: {
      intervalMs: number;
      /** What the log says when a run fails. */
      failure: string;
      log: DeliveryLog;
      outage: (err: unknown) => boolean;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.run(), this.options.intervalMs);
    this.timer.unref();
    void this.run();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** One run (or the one already going); resolves to what the work counted, 0 when it failed. */
  run(): Promise<number> {
    this.running ??= this.work()
      .catch((err) => {
        if (!this.options.outage(err)) this.options.log('error', this.options.failure, { err });
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
