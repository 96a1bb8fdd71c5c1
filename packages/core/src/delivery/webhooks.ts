import { Webhook } from 'standardwebhooks';
import type { Roles } from '../domain/roles.js';
import { invitation, organizationInvitation } from '../http/serialize.js';
import { type InvitationEventType, webhookEventName } from '../services/effects.js';
import type { WebhookEndpoint } from '../services/lifecycle-config.js';
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
 * A webhook body: `{ object: 'event', type, timestamp, instance_id, data }`, with `data` the invitation
 * as the Backend API serializes it (url null: never a token). Organization events add the organization's
 * public data under `data.data.public_organization_data`, where Clerk's webhook contract puts it; accepted
 * events add `user_id`. `timestamp` is the event's time in Unix milliseconds.
 */
export function webhookPayload(event: DeliveryEvent, roles: Roles, instanceId: string) {
  if (!event.snapshot) throw new Error(`event ${event.id} has no snapshot`);
  const found = invitationFromSnapshot(event.snapshot, event.createdAt);
  let data: Record<string, unknown>;
  if ('organizationInvitation' in found) {
    const org = found.organization;
    data = {
      ...organizationInvitation(found.organizationInvitation, roles),
      ...(event.type === 'accepted' ? { user_id: String(event.data.user_id ?? '') } : {}),
      data: {
        public_organization_data: org
          ? { id: org.id, name: org.name, slug: org.slug, image_url: '', has_image: false }
          : null,
      },
    };
  } else {
    data = {
      ...invitation(found.applicationInvitation),
      ...(event.type === 'accepted' && event.data.user_id ? { user_id: String(event.data.user_id) } : {}),
    };
  }
  return {
    object: 'event' as const,
    type: webhookEventName(event.organizationId, event.type),
    timestamp: event.createdAt,
    instance_id: instanceId,
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
 * `webhook-signature` (`v1,` HMAC-SHA256 with the endpoint's `whsec_` secret).
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
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Invitekit-Webhooks/1',
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer.sign(messageId, at, body),
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
