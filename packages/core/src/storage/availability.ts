import { isDatabaseUnavailable } from '../domain/pg-errors.js';

export type AvailabilityLog = (
  level: 'info' | 'error',
  message: string,
  data?: Record<string, unknown>,
) => void;

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/**
 * Tracks database outages for one process, so that an outage is logged twice (when it starts and when it
 * ends) instead of once per failed request or background tick. Everything that meets a database error
 * reports it here; the first report of an outage logs it and starts probing (`ping`) until the database
 * answers again, which logs the end. Nothing waits on it: requests keep trying the database, so they
 * recover as soon as it is back, whether or not the probe has noticed yet.
 */
export class Availability {
  private downSince: number | null = null;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly ping: () => Promise<void>,
    private readonly log: AvailabilityLog,
    private readonly probeIntervalMs = 500,
  ) {}

  /** True between an outage's first report and the probe that finds the database back. */
  get down(): boolean {
    return this.downSince !== null;
  }

  /**
   * Reports a failed database call. Returns true when the error is an outage (it is then handled: logged
   * once per outage); false when it is something else, for the caller to handle.
   */
  report(err: unknown): boolean {
    if (!isDatabaseUnavailable(err)) return false;
    if (this.downSince === null && !this.closed) {
      this.downSince = Date.now();
      this.log('error', 'database unavailable; answering 503 until it is back', { error: messageOf(err) });
      this.scheduleProbe();
    }
    return true;
  }

  /** Stops probing (at close). */
  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
  }

  private scheduleProbe(): void {
    if (this.closed) return;
    this.probeTimer = setTimeout(() => {
      this.ping().then(
        () => {
          if (this.downSince === null || this.closed) return;
          const downtimeMs = Date.now() - this.downSince;
          this.downSince = null;
          this.log('info', 'database available again', { downtime_ms: downtimeMs });
        },
        () => this.scheduleProbe(),
      );
    }, this.probeIntervalMs);
    this.probeTimer.unref();
  }
}
