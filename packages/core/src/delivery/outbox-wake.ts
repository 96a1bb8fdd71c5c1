import { randomUUID } from 'node:crypto';
import type { OpenDatabase } from '../storage/database.js';
import { notifyOutbox, OUTBOX_CHANNEL } from '../storage/outbox-listen.js';

/**
 * Tells the dispatchers of other processes that the outbox has due rows (PostgreSQL NOTIFY; they LISTEN),
 * so that a write in a process that runs no dispatcher, or whose dispatcher is busy, is sent at once rather
 * than at the next poll. One NOTIFY per `delayMs` at most, for all writes until then; sent after the
 * writes' commits, outside their transactions. Failures are ignored: the poll finds the rows anyway.
 */
export class OutboxAnnouncer {
  /** The payload of this process's announcements: its own listener ignores them (its writes wake it directly). */
  readonly id = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly run: OpenDatabase['run'],
    private readonly delayMs: number,
  ) {}

  soon(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run(notifyOutbox, [OUTBOX_CHANNEL, this.id]).catch(() => {});
    }, this.delayMs);
  }

  /** Sends a pending announcement now (at close, so a write just before it is not left to the poll). */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.run(notifyOutbox, [OUTBOX_CHANNEL, this.id]).catch(() => {});
  }
}
