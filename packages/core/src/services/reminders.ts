import { eq } from 'drizzle-orm';
import type { OrganizationReminderSettings } from '../domain/reminders.js';
import { organizationReminderSettings as settings } from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import { requireOrganization } from './organizations.js';

/**
 * Invitekit extension: an organization's reminder setting. Reminders themselves are sent by the reminder
 * sweeper (delivery/reminders.ts), which reads this setting when each reminder falls due: turning it off
 * skips every reminder due from then on; turning it on again resumes the schedule's later steps.
 */
export class RemindersService {
  constructor(private readonly ctx: ServiceContext) {}

  /** 404 for an unknown organization. */
  async getOrganizationSettings(organizationId: string): Promise<OrganizationReminderSettings> {
    await requireOrganization(this.ctx.db, organizationId);
    const [row] = await this.ctx.db
      .select()
      .from(settings)
      .where(eq(settings.organizationId, organizationId));
    return { organizationId, enabled: row?.enabled ?? true, updatedAt: row?.updatedAt ?? null };
  }

  /** Sets it (an upsert, one statement); 404 for an unknown organization. */
  async setOrganizationSettings(
    organizationId: string,
    input: { enabled: boolean },
  ): Promise<OrganizationReminderSettings> {
    const now = this.ctx.now();
    await requireOrganization(this.ctx.db, organizationId);
    await this.ctx.db
      .insert(settings)
      .values({ organizationId, enabled: input.enabled, updatedAt: now })
      .onConflictDoUpdate({
        target: settings.organizationId,
        set: { enabled: input.enabled, updatedAt: now },
      });
    return { organizationId, enabled: input.enabled, updatedAt: now };
  }
}
