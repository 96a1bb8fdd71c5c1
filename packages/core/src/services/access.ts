import { and, eq } from 'drizzle-orm';
import { notAnAdmin, notFound } from '../domain/errors.js';
import { memberships, organizations } from '../storage/schema.js';
import type { ServiceContext } from './context.js';

/** Who may administer an organization's invitations from the browser. */
export class AccessService {
  constructor(private readonly ctx: ServiceContext) {}

  /** 404 when the organization does not exist; 403 unless `userId` holds an admin role in it. */
  async requireAdmin(organizationId: string, userId: string, param = 'user'): Promise<void> {
    const [row] = await this.ctx.db
      .select({ id: organizations.id, name: organizations.name, role: memberships.role })
      .from(organizations)
      .leftJoin(
        memberships,
        and(eq(memberships.organizationId, organizations.id), eq(memberships.userId, userId)),
      )
      .where(eq(organizations.id, organizationId));
    if (!row) throw notFound('organization', organizationId);
    if (!this.ctx.roles.isAdmin(row.role)) throw notAnAdmin(userId, row, param);
  }
}
