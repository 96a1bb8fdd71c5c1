import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { notFound } from '../domain/errors.js';
import {
  applicationInvitations,
  invitationEvents,
  organizationInvitations,
  outbox,
} from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import type { InvitationEventType } from './effects.js';
import type { Paginated } from './listing.js';

/** One delivery an event caused: an email to the invitee or a webhook to an endpoint. */
export interface Delivery {
  id: string;
  kind: 'email' | 'webhook';
  target: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  deliveredAt: number | null;
}

export interface InvitationEvent {
  id: string;
  invitationId: string;
  type: InvitationEventType;
  data: Record<string, unknown>;
  deliveries: Delivery[];
  createdAt: number;
}

/** An invitation's history, oldest first, with the state of every email and webhook it caused. */
export class InvitationEventsService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Events of an organization invitation; 404 unless it belongs to that organization. */
  async listForOrganizationInvitation(
    organizationId: string,
    invitationId: string,
  ): Promise<Paginated<InvitationEvent>> {
    const [found] = await this.ctx.db
      .select({ id: organizationInvitations.id })
      .from(organizationInvitations)
      .where(
        and(
          eq(organizationInvitations.organizationId, organizationId),
          eq(organizationInvitations.id, invitationId),
        ),
      );
    if (!found) throw notFound('organization invitation', invitationId);
    return this.list(invitationId, organizationId);
  }

  /** Events of an application invitation. */
  async listForApplicationInvitation(invitationId: string): Promise<Paginated<InvitationEvent>> {
    const [found] = await this.ctx.db
      .select({ id: applicationInvitations.id })
      .from(applicationInvitations)
      .where(eq(applicationInvitations.id, invitationId));
    if (!found) throw notFound('invitation', invitationId);
    return this.list(invitationId, null);
  }

  private async list(invitationId: string, organizationId: string | null) {
    const events = await this.ctx.db
      .select()
      .from(invitationEvents)
      .where(
        and(
          eq(invitationEvents.invitationId, invitationId),
          organizationId === null
            ? isNull(invitationEvents.organizationId)
            : eq(invitationEvents.organizationId, organizationId),
        ),
      )
      .orderBy(asc(invitationEvents.createdAt), asc(invitationEvents.id));
    const messages = events.length
      ? await this.ctx.db
          .select()
          .from(outbox)
          .where(
            inArray(
              outbox.eventId,
              events.map((e) => e.id),
            ),
          )
          .orderBy(asc(outbox.id))
      : [];
    const data = events.map(
      (e): InvitationEvent => ({
        id: e.id,
        invitationId: e.invitationId,
        type: e.type as InvitationEventType,
        data: e.data,
        deliveries: messages
          .filter((m) => m.eventId === e.id)
          .map((m) => ({
            id: m.id,
            kind: m.kind as Delivery['kind'],
            target: m.target,
            status: m.status as Delivery['status'],
            attempts: m.attempts,
            lastError: m.lastError,
            deliveredAt: m.deliveredAt,
          })),
        createdAt: e.createdAt,
      }),
    );
    return { data, totalCount: data.length };
  }
}
