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
}
