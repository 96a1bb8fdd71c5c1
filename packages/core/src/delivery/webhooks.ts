import { Webhook } from 'standardwebhooks';
import type { Roles } from '../domain/roles.js';
import { type InvitationEventType, webhookEventName } from '../services/effects.js';
import type { JoinLinkWebhookType } from '../services/join-links.js';
import type { WebhookEndpoint } from '../services/lifecycle-config.js';
import type { WireJoinLinkUseWebhookData } from '../wire/join-links.js';
import type { WireInvitation, WireOrganizationInvitation } from '../wire/responses.js';
import { invitation, organizationInvitation } from '../wire/serialize.js';
import { type ObjectWebhookData, objectWebhookData } from './object-events.js';
import { type EventSnapshot, invitationFromSnapshot } from './snapshot.js';

/** The event an outbox row belongs to, as the dispatcher reads it. */
export interface DeliveryEvent {
  id: string;
  invitationId: string;
  organizationId: string | null;
  type: InvitationEventType;
  data: Record<string, unknown>;
  snapshot: EventSnapshot | null;
  createdAt: number;
}

/**
 * Clerk's `event_attributes`: the HTTP request behind the event. Invitekit's services never see HTTP, so
 * both values are empty strings; the key is there because `@clerk/backend`'s `WebhookEvent` requires it.
 */
export interface WebhookEventAttributes {
  http_request: { client_ip: string; user_agent: string };
}

const EVENT_ATTRIBUTES: WebhookEventAttributes = { http_request: { client_ip: '', user_agent: '' } };

interface WebhookEnvelope<T extends string, D> {
  object: 'event';
  type: T;
  /** The event's time, Unix milliseconds. */
  timestamp: number;
  instance_id: string;
  event_attributes: WebhookEventAttributes;
  data: D;
}

/** An organization invitation as the Backend API returns it, with the organization under `data.data`. */
export type OrganizationInvitationWebhookData = WireOrganizationInvitation & {
  /** Always set: every Invitekit invitation expires. */
  expires_at: number;
  data: {
    public_organization_data: {
      id: string;
      name: string;
      slug: string;
      image_url: string;
      has_image: boolean;
    } | null;
  };
};

/** Every Clerk-compatible webhook Invitekit sends (`@clerk/backend`'s `WebhookEvent` declares the organization ones). */
export type InvitekitWebhookEvent =
  | WebhookEnvelope<
      'organizationInvitation.created' | 'organizationInvitation.revoked',
      OrganizationInvitationWebhookData
    >
  | WebhookEnvelope<
      'organizationInvitation.accepted',
      OrganizationInvitationWebhookData & { status: 'accepted'; user_id: string }
    >
  | WebhookEnvelope<
      'invitation.created' | 'invitation.accepted' | 'invitation.revoked',
      WireInvitation & { user_id?: string }
    >
  | WebhookEnvelope<JoinLinkWebhookType, WireJoinLinkUseWebhookData>
  // Verified domains and membership requests (delivery/object-events.ts).
  | (Omit<WebhookEnvelope<string, unknown>, 'type' | 'data'> & ObjectWebhookData);

/**
 * Invitekit extension events: a pending invitation was edited. Clerk declares no such event, so they go only
 * to endpoints that name them in `events`; `data` is the invitation as after the edit.
 */
export type InvitekitExtensionWebhookEvent =
  | WebhookEnvelope<'organizationInvitation.updated', OrganizationInvitationWebhookData>
  | WebhookEnvelope<'invitation.updated', WireInvitation>;

/**
 * A webhook body: `{ object: 'event', type, timestamp, instance_id, event_attributes, data }`, with `data`
 * the invitation as the Backend API serializes it (url null: never a token). Organization events add the
 * organization's public data under `data.data.public_organization_data`, where Clerk's webhook contract
 * puts it; accepted events add `user_id`. `timestamp` is the event's time in Unix milliseconds.
 */
export function webhookPayload(
  event: DeliveryEvent,
  roles: Roles,
  instanceId: string,
): InvitekitWebhookEvent | InvitekitExtensionWebhookEvent {
  if (!event.snapshot) throw new Error(`event ${event.id} has no snapshot`);
  const envelope = { object: 'event' as const, timestamp: event.createdAt, instance_id: instanceId };
  const subject = objectWebhookData(event.type, event.snapshot);
  if (subject)
    return { ...envelope, event_attributes: EVENT_ATTRIBUTES, ...subject } as InvitekitWebhookEvent;
  // Join-link events (services/join-links.ts) carry their webhook's type and data, built when they happened.
  const prebuilt = (event.snapshot as { webhook?: { type: JoinLinkWebhookType; data: unknown } }).webhook;
  if (prebuilt) {
    const data = prebuilt.data as WireJoinLinkUseWebhookData;
    return { ...envelope, type: prebuilt.type, event_attributes: EVENT_ATTRIBUTES, data };
  }
  const found = invitationFromSnapshot(event.snapshot, event.createdAt);
  const type = webhookEventName(event.organizationId, event.type);
  if ('organizationInvitation' in found) {
    const org = found.organization;
    const wire = organizationInvitation(found.organizationInvitation, roles);
    const data: OrganizationInvitationWebhookData = {
      ...wire,
      expires_at: found.organizationInvitation.expiresAt,
      data: {
        public_organization_data: org
          ? { id: org.id, name: org.name, slug: org.slug, image_url: '', has_image: false }
          : null,
      },
    };
    if (type === 'organizationInvitation.accepted') {
      return {
        ...envelope,
        type,
        event_attributes: EVENT_ATTRIBUTES,
        data: { ...data, status: 'accepted', user_id: String(event.data.user_id ?? '') },
      };
    }
    return {
      ...envelope,
      type: type as 'organizationInvitation.created' | 'organizationInvitation.revoked',
      event_attributes: EVENT_ATTRIBUTES,
      data,
    };
  }
  const data = {
    ...invitation(found.applicationInvitation),
    ...(event.type === 'accepted' && event.data.user_id ? { user_id: String(event.data.user_id) } : {}),
  };
  return {
    ...envelope,
    type: type as 'invitation.created' | 'invitation.accepted' | 'invitation.revoked',
    event_attributes: EVENT_ATTRIBUTES,
    data,
  };
}

/** Non-2xx answers and network errors: the dispatcher retries them. */
export class WebhookResponseError extends Error {
  constructor(readonly status: number) {
    super(`webhook endpoint answered ${status}`);
  }
}

const signers = new WeakMap<WebhookEndpoint, Webhook>();

/**
 * POSTs a payload signed per Standard Webhooks: `webhook-id` (the outbox message id, the same on every
 * retry, so receivers can deduplicate), `webhook-timestamp` (seconds, this attempt) and
 * `webhook-signature` (`v1,` HMAC-SHA256 with the endpoint's `whsec_` secret). The same three go out
 * under Svix's names too (`svix-id`, `svix-timestamp`, `svix-signature`): Clerk delivers through Svix, so
 * its receivers (`verifyWebhook` from `@clerk/backend/webhooks`, the `svix` package) read only those.
 */
export async function postWebhook(
  endpoint: WebhookEndpoint,
  messageId: string,
  body: string,
  options: { timeoutMs: number; now: number },
): Promise<void> {
  let signer = signers.get(endpoint);
  if (!signer) {
    signer = new Webhook(endpoint.secret);
    signers.set(endpoint, signer);
  }
  const at = new Date(options.now);
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = signer.sign(messageId, at, body);
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Invitekit-Webhooks/1',
      'webhook-id': messageId,
      'webhook-timestamp': timestamp,
      'webhook-signature': signature,
      'svix-id': messageId,
      'svix-timestamp': timestamp,
      'svix-signature': signature,
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  // The body is not read; cancel it so the connection is released.
  await response.body?.cancel().catch(() => {});
  if (response.status < 200 || response.status >= 300) throw new WebhookResponseError(response.status);
}

/** Checks a webhook secret up front, so a bad one fails at start rather than at the first delivery. */
export function checkWebhookSecret(endpoint: WebhookEndpoint): void {
  try {
    new Webhook(endpoint.secret);
  } catch (err) {
    throw new Error(`Invitekit: the webhook secret for ${endpoint.url} is not a whsec_ base64 secret`, {
      cause: err,
    });
  }
}
