import { createRequire } from 'node:module';
import { asciiDomain } from './email.js';
import { InvitekitError, invalidParam } from './errors.js';
import type { PublicUserData } from './models.js';

// Verified domains (Clerk's organization domains): the rules that need no database.

export const enrollmentModes = [
  'manual_invitation',
  'automatic_invitation',
  'automatic_suggestion',
  'enterprise_sso',
] as const;
export type EnrollmentMode = (typeof enrollmentModes)[number];

/** The modes that enroll a person seen with a verified address at the domain, without an admin. */
export const automaticEnrollmentModes: EnrollmentMode[] = ['automatic_invitation', 'automatic_suggestion'];

/** Clerk's limit, and Invitekit's: an organization holds at most this many domains. */
export const MAX_DOMAINS_PER_ORGANIZATION = 10;

/**
 * How a domain was verified: `admin` through the Backend API (`verified: true`), `email_address` by an
 * admin whose own verified address is at the domain (Frontend API). Null while unverified.
 */
export type DomainVerificationStrategy = 'admin' | 'email_address';

export interface OrganizationDomain {
  id: string;
  organizationId: string;
  name: string;
  enrollmentMode: EnrollmentMode;
  verified: boolean;
  verificationStrategy: DomainVerificationStrategy | null;
  verifiedAt: number | null;
  affiliationEmailAddress: string | null;
  totalPendingInvitations: number;
  totalPendingSuggestions: number;
  organization: { id: string; name: string; slug: string };
  createdAt: number;
  updatedAt: number;
}

export type SuggestionStatus = 'pending' | 'accepted';
export interface OrganizationSuggestion {
  id: string;
  organizationId: string;
  userId: string;
  status: SuggestionStatus;
  organization: { id: string; name: string; slug: string };
  createdAt: number;
  updatedAt: number;
}

export const membershipRequestStatuses = ['pending', 'accepted', 'rejected'] as const;
export type MembershipRequestStatus = (typeof membershipRequestStatuses)[number];
export interface MembershipRequest {
  id: string;
  organizationId: string;
  status: MembershipRequestStatus;
  user: PublicUserData;
  /** Null: the default role when accepted (suggestions); a join link's role otherwise. */
  role: string | null;
  /** Set when a join link that requires approval made the request. */
  joinLinkId: string | null;
  joinLinkUseId: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

// The lists are maintained on npm (DESIGN.md); both packages ship plain JSON arrays, loaded with require
// because ESM cannot import JSON without an attribute. `email-providers` rather than `free-email-domains`:
// the latter downloads its list in a postinstall script, which fails wherever installs run offline.
// Loaded on first use: the 130,000 names take about 23 MB of a process that may never add a domain
// (bench/README.md, "Memory").
const require = createRequire(import.meta.url);
let blocked: { free: ReadonlySet<string>; disposable: ReadonlySet<string> } | undefined;
const blockedDomains = () =>
  (blocked ??= {
    free: new Set(require('email-providers/all.json') as string[]),
    disposable: new Set(require('disposable-email-domains') as string[]),
  });

/** The domain part of a normalised address. */
export const emailDomain = (email: string) => email.slice(email.lastIndexOf('@') + 1);

/**
 * A domain name in its one stored form (UTS #46 ASCII, lower case, no trailing dot), refused when it is
 * not a host name, or when it is a free or disposable mail provider's: a domain stands for one
 * organization's people, and `gmail.com` stands for everyone.
 */
export function normalizeDomainName(raw: string, param = 'name'): string {
  const trimmed = raw.trim().replace(/\.$/, '');
  const name = trimmed.includes('@') || trimmed.length > 253 ? null : asciiDomain(trimmed);
  if (!name) {
    throw invalidParam(param, `${JSON.stringify(raw)} is not a domain name`, 'form_param_format_invalid');
  }
  if (blockedDomains().disposable.has(name)) {
    throw new InvitekitError({
      code: 'organization_domain_blocked',
      message: 'is a disposable email domain',
      longMessage: `${name} is a disposable email domain and cannot be added to an organization.`,
      meta: { param_name: param, name },
    });
  }
  if (blockedDomains().free.has(name)) {
    throw new InvitekitError({
      code: 'organization_domain_common',
      message: 'is a common email provider domain',
      longMessage: `${name} is a free email provider's domain and cannot be added to an organization.`,
      meta: { param_name: param, name },
    });
  }
  return name;
}

export const domainAlreadyExists = (name: string) =>
  new InvitekitError({
    code: 'organization_domain_already_exists',
    message: 'domain already exists',
    longMessage: `The domain ${name} is already added to this organization.`,
    meta: { param_name: 'name', name },
  });

export const domainVerifiedElsewhere = (name: string) =>
  new InvitekitError({
    code: 'organization_domain_verified_elsewhere',
    message: 'domain is verified by another organization',
    longMessage: `The domain ${name} is verified by another organization; a domain is verified by one organization at a time.`,
    meta: { param_name: 'verified', name },
  });

export const domainQuotaExceeded = () =>
  new InvitekitError({
    code: 'organization_domain_quota_exceeded',
    message: 'too many domains',
    longMessage: `An organization can have at most ${MAX_DOMAINS_PER_ORGANIZATION} domains.`,
    meta: { limit: MAX_DOMAINS_PER_ORGANIZATION },
  });

export const suggestionNotPending = (status: string) =>
  new InvitekitError({
    code: 'organization_suggestion_not_pending',
    message: 'not pending',
    longMessage: `The organization suggestion is ${status}, so it cannot be accepted.`,
    meta: { status },
  });

export const membershipRequestNotPending = (status: string, action: string) =>
  new InvitekitError({
    code: 'organization_membership_request_not_pending',
    message: 'not pending',
    longMessage: `The membership request is ${status}, so it cannot be ${action}.`,
    meta: { status },
  });

/** Caller mistake: the person already waits on a pending request to join this organization. */
export const membershipRequestAlreadyPending = (organizationId: string) =>
  new InvitekitError({
    code: 'organization_membership_request_already_pending',
    message: 'already requested',
    longMessage: 'You have already asked to join this organization; an admin has yet to decide.',
    meta: { organization_id: organizationId },
  });
