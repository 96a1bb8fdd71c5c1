import type { InvitationImportsService } from '../services/invitation-imports.js';
import type { DeliveryLog } from './options.js';

/**
 * The import worker (Invitekit extension): runs queued import rows batch after batch, each batch one
 * transaction (services/invitation-imports.ts `processNextBatch`). Any number of processes may run one:
 * batches are claimed with FOR UPDATE SKIP LOCKED, so a row is done once, and a process that dies mid-batch
 * leaves its batch pending for the next claim. Started by `start()`, beside the dispatcher.
 */
export class ImportWorker {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | null = null;
  private again = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: {
      imports: InvitationImportsService;
      log: DeliveryLog;
      outage: (err: unknown) => boolean;
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.deps.imports.onQueued(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.deps.imports.options.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for pending rows now (an upload in this process, or the poll timer). */
  wake(): void {
    if (!this.running) return;
    if (this.loop) {
      this.again = true;
      return;
    }
    this.loop = this.drain().finally(() => {
      this.loop = null;
    });
  }

  /** Stops after the batch in flight commits (or fails); its rows are then done or still pending. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.loop;
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        while (this.running && (await this.deps.imports.processNextBatch()) > 0) {}
      } while (this.again && this.running);
    } catch (err) {
      // The batch rolled back whole; the poll timer tries again.
      if (!this.deps.outage(err)) this.deps.log('error', 'imports: a batch failed', { err });
    }
  }
}
