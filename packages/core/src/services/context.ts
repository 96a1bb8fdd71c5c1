import type { Roles } from '../domain/roles.js';
import type { Database } from '../storage/database.js';

/** What every service needs: the database, the configured roles and a clock (injectable for tests). */
export interface ServiceContext {
  db: Database;
  roles: Roles;
  now: () => number;
}
