import type { Roles } from '../domain/roles.js';
import type { Database, OpenDatabase } from '../storage/database.js';
import type { Lifecycle } from './lifecycle-config.js';

/** What every service needs: the database, the configured roles and a clock (injectable for tests). */
export interface ServiceContext {
  db: Database;
  /** Prepared statements for hot paths (storage/statements.ts). */
  run: OpenDatabase['run'];
  roles: Roles;
  now: () => number;
  /** Accept links, redirect policy, webhook endpoints, limits. */
  lifecycle: Lifecycle;
  /** Call after a write to the outbox has committed: wakes the dispatcher in this process. */
  onOutboxWrite?: () => void;
  /** This process's dispatcher, for writes that send their email themselves. */
  delivery?: DirectDelivery;
}

/**
 * Sending a write's email from the process that wrote it, right after the commit, instead of leaving the
 * outbox row for a dispatcher to claim (delivery/dispatcher.ts).
 */
export interface DirectDelivery {
  /** Before the write: the lease's end to write on the email's outbox row, or null to leave it due. */
  reserve(): number | null;
  /** After the commit: send it. */
  handoff(email: DirectEmail): void;
  /** The write did not happen, or wrote no email: free the reservation. */
  release(): void;
}

/** A committed email outbox row, leased to this process, with what rendering it needs. */
export interface DirectEmail {
  messageId: string;
  to: string;
  link: string;
  event: {
    id: string;
    invitationId: string;
    organizationId: string | null;
    type: 'created' | 'resent';
    data: Record<string, unknown>;
    /** The event's snapshot as written (delivery/snapshot.ts EventSnapshot). */
    snapshot: unknown;
    createdAt: number;
  };
}
