import { randomUUID } from 'node:crypto';
import type { OpenDatabase } from '../storage/database.js';
import { notifyOutbox, OUTBOX_CHANNEL } from '../storage/outbox-listen.js';

/**
 * Tells the dispatchers of other processes that the outbox has due rows (PostgreSQL NOTIFY; they LISTEN),
 * so that a write in a process that runs no dispatcher, or whose dispatcher is busy, is sent at once rather
 * than at the next poll. The first write announces at once; writes in the next `delayMs` share one
 * announcement at its end, so a busy process sends one NOTIFY per `delayMs` at most. Sent after the
 * writes' commits, outside their transactions. Failures are ignored: the poll finds the rows anyway.
 */
export class OutboxAnnouncer {
  /** The payload of this process's announcements: its own listener ignores them (its writes wake it directly). */
  readonly id = randomUUID();
  private window: NodeJS.Timeout | undefined;
  private pending = false;
  private closed = false;

  constructor(
    private readonly run: OpenDatabase['run'],
    private readonly delayMs: number,
  ) {}

  soon(): void {
    if (this.closed) return;
    if (this.window) {
      this.pending = true;
      return;
    }
    this.announce().catch(() => {});
    this.window = setTimeout(() => {
      this.window = undefined;
      if (!this.pending) return;
      this.pending = false;
      this.soon();
    }, this.delayMs);
  }

  /** Sends a pending announcement now (at close, so a write just before it is not left to the poll). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.window);
    this.window = undefined;
    if (!this.pending) return;
    this.pending = false;
    await this.announce().catch(() => {});
  }

  private async announce(): Promise<void> {
    await this.run(notifyOutbox, [OUTBOX_CHANNEL, this.id]);
  }
}
