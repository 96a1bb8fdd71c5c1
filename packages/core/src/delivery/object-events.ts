import type { ObjectEventSubject, ObjectEventType } from '../services/object-events.js';
import {
  backendMembershipRequest,
  organizationDomain,
  type WireBackendMembershipRequest,
  type WireOrganizationDomain,
} from '../wire/organization-domains.js';

// Webhook bodies of the events services/object-events.ts records: verified domains (Clerk's names and
// shapes) and membership requests (Invitekit's).

/** `type` and `data` of a domain or membership request webhook. */
export type ObjectWebhookData =
  | { type: 'organizationDomain.created' | 'organizationDomain.updated'; data: WireOrganizationDomain }
  | {
      type: 'organizationDomain.deleted';
      /** Clerk's DeletedObject, as @clerk/backend's OrganizationDomainWebhookEvent declares. */
      data: { object: 'organization_domain'; id: string; deleted: true };
    }
  | {
      type:
        | 'organizationMembershipRequest.created'
        | 'organizationMembershipRequest.accepted'
        | 'organizationMembershipRequest.rejected';
      /** As the Backend API shows it: where the request came from (a join link?) and who decided. */
      data: WireBackendMembershipRequest;
    };

/** The webhook's `type` and `data` when the event's snapshot is a domain or a request; null otherwise. */
export function objectWebhookData(type: string, snapshot: unknown): ObjectWebhookData | null {
  const subject = snapshot as Partial<ObjectEventSubject>;
  const t = type as ObjectEventType;
  if ('organizationDomain' in subject && subject.organizationDomain) {
    const data = organizationDomain(subject.organizationDomain);
    return t === 'organizationDomain.deleted'
      ? { type: t, data: { object: data.object, id: data.id, deleted: true } }
      : ({ type: t, data } as ObjectWebhookData);
  }
  if ('membershipRequest' in subject && subject.membershipRequest) {
    return { type: t, data: backendMembershipRequest(subject.membershipRequest) } as ObjectWebhookData;
  }
  return null;
}
