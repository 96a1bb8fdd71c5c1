import type { JoinLinkOptions } from '../domain/join-links.js';
import { RedirectPolicy } from '../domain/links.js';
import { BASE_LOCALE, canonicalLocale } from '../domain/locale.js';
import { type ReminderOptions, type ReminderSchedule, reminderSchedule } from '../domain/reminders.js';
import { resolveLimits } from './limits.js';

/** A webhook receiver: its URL, its Standard Webhooks secret (`whsec_…`), and optionally which events. */
export interface WebhookEndpoint {
  url: string;
  secret: string;
  /** Event types to send (e.g. `organizationInvitation.accepted`); all when omitted. */
  events?: string[];
}

/**
 * Abuse limits. Each has a safe default; 0 turns one off. A refusal is a 429 `too_many_requests` with a
 * `Retry-After` header, and writes nothing.
 */
export interface InvitationLimits {
  /** Most pending invitations an organization may hold at once. Default 1,000. */
  maxPendingPerOrganization?: number;
  /**
   * Most invitations one inviter may create in an organization within any hour (sliding window), through
   * the Backend API (`inviter_user_id`) or the Frontend API (the signed-in admin). Default 100.
   */
  maxPerInviterPerHour?: number;
  /**
   * Token previews and accepts-by-token (`/tickets/preview`, `/tickets/accept`) per client address per
   * minute (fixed window). Default 30.
   */
  maxTokenRequestsPerClientPerMinute?: number;
}

export interface LifecycleOptions {
  /** The page that opens an accept link; the token is added as `?invitation_token=`. */
  acceptUrl?: string;
  /**
   * Invitekit extension. When true, every accept link opens `acceptUrl`, and an invitation's
   * `redirect_url` is where the accept page sends the person once they have accepted (as Clerk's Account
   * Portal does); the standalone server's hosted accept page sets it. Default false: the link opens the
   * invitation's `redirect_url` when it has one.
   */
  redirectAfterAccept?: boolean;
  /** Origins a `redirect_url` may point to. The accept page's origin is always allowed. */
  redirectOrigins?: string[];
  webhooks?: WebhookEndpoint[];
  limits?: InvitationLimits;
  /**
   * Whether an invitation stays acceptable after its inviter stops being an admin. Default true (the
   * invitation was valid when sent; revoke it to withdraw it).
   */
  keepInvitationsOfFormerAdmins?: boolean;
  /** Invitekit extension: reminder emails for pending invitations. Off unless given (`{}`: the default schedule). */
  reminders?: ReminderOptions | false;
  /** Invitekit extension: join links (domain/join-links.ts). */
  joinLinks?: JoinLinkOptions;
  /**
   * Invitekit extension: the BCP 47 locale of invitations that name none and whose organization has none.
   * Default `en`.
   */
  locale?: string;
}

/** The resolved settings every write path reads. */
export class Lifecycle {
  readonly acceptUrl: string;
  readonly redirects: RedirectPolicy;
  readonly webhooks: WebhookEndpoint[];
  readonly limits: Required<InvitationLimits>;
  readonly keepInvitationsOfFormerAdmins: boolean;
  readonly redirectAfterAccept: boolean;
  /** Null when reminders are off. */
  readonly reminders: ReminderSchedule | null;
  readonly joinLinks: JoinLinkOptions;
  /** The configured locale, canonical. */
  readonly locale: string;

  constructor(options: LifecycleOptions = {}) {
    this.acceptUrl = new URL(options.acceptUrl ?? 'http://localhost:3000/accept-invitation').toString();
    this.redirects = new RedirectPolicy([this.acceptUrl, ...(options.redirectOrigins ?? [])]);
    this.webhooks = options.webhooks ?? [];
    this.limits = resolveLimits(options.limits);
    this.keepInvitationsOfFormerAdmins = options.keepInvitationsOfFormerAdmins ?? true;
    this.redirectAfterAccept = options.redirectAfterAccept ?? false;
    this.reminders = reminderSchedule(options.reminders);
    this.joinLinks = options.joinLinks ?? {};
    // config-validation.ts has checked it is a language tag.
    this.locale = canonicalLocale(options.locale ?? BASE_LOCALE) ?? BASE_LOCALE;
  }

  /** The page an invitation's accept link opens (the token is added to it). */
  linkBase(redirectUrl: string | null): string {
    return (this.redirectAfterAccept ? null : redirectUrl) ?? this.acceptUrl;
  }

  /** The endpoints subscribed to a webhook event type; an Invitekit extension type only those that name it. */
  webhookTargets(eventType: string): string[] {
    const optIn = isExtensionWebhookEvent(eventType);
    return this.webhooks
      .filter((w) => (!w.events && !optIn) || w.events?.includes(eventType))
      .map((w) => w.url);
  }
}

/**
 * Invitekit's own webhook event types (Clerk sends none of these): edits, join links, membership requests.
 * They are opt-in, heard only by endpoints whose `events` name them, so a Clerk receiver subscribed to
 * everything only ever meets Clerk's event types.
 */
export const isExtensionWebhookEvent = (eventType: string): boolean =>
  /^(organizationInvitation|invitation)\.updated$|^(joinLink|organizationMembershipRequest)\./.test(
    eventType,
  );
