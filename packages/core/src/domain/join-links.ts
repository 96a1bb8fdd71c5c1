import { canonicalEmail } from './email.js';
import { InvitekitError, invalidParam } from './errors.js';
import type { Roles } from './roles.js';

/**
 * Invitekit extension: shareable join links. An admin shares one link; anyone signed in with a verified
 * address (on an allowed domain, when the link names some) joins the organization with the link's role,
 * at once or after an admin approves. Types and rules shared by the service, the wire and the routes.
 */

/** Stored: `active` or `revoked`. Derived on every read: `expired` (past `expires_at`), `used_up`. */
export type JoinLinkStatus = 'active' | 'revoked' | 'expired' | 'used_up';
/** A use joins at once (`joined`), or waits for an admin (`pending`), who approves or rejects it. */
export type JoinLinkUseStatus = 'joined' | 'pending' | 'rejected';

/** The query parameter that carries a join token on the join page's URL. */
export const JOIN_TOKEN_PARAM = 'join_token';

export interface JoinLinkOptions {
  /**
   * The highest role a join link may grant. Roles rank in the order they are configured (first is
   * highest). Default: the highest role that is not an admin role, so admin links need this set to one.
   */
  maxRole?: string;
  /** The page a join link opens (the token is added as `?join_token=`). Default: `acceptUrl`. */
  url?: string;
}

export interface JoinLink {
  id: string;
  organizationId: string;
  role: string;
  status: JoinLinkStatus;
  maxUses: number | null;
  usesCount: number;
  allowedEmailDomains: string[];
  requireApproval: boolean;
  createdBy: string | null;
  expiresAt: number | null;
  revokedAt: number | null;
  /** The join link with its token: only on the create response. */
  url: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface JoinLinkUse {
  id: string;
  organizationId: string;
  joinLinkId: string;
  userId: string;
  emailAddress: string;
  status: JoinLinkUseStatus;
  membershipId: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What a join page may show before anyone signs in. Never consumes a use. */
export interface JoinLinkPreview {
  joinLinkId: string;
  status: JoinLinkStatus;
  role: string;
  roleName: string;
  organization: { id: string; name: string; slug: string };
  requireApproval: boolean;
  allowedEmailDomains: string[];
  expiresAt: number | null;
}

export function joinLinkStatus(
  row: { status: string; expiresAt: number | null; maxUses: number | null; usesCount: number },
  now: number,
): JoinLinkStatus {
  if (row.status === 'revoked') return 'revoked';
  if (row.expiresAt !== null && row.expiresAt <= now) return 'expired';
  if (row.maxUses !== null && row.usesCount >= row.maxUses) return 'used_up';
  return 'active';
}

/**
 * The most a join link may grant, as an index into the configured roles (lower is higher). A role
 * outside it answers 422 join_link_role_not_allowed.
 */
export class JoinLinkRolePolicy {
  private readonly rank: Map<string, number>;
  readonly maxRole: string;

  constructor(roles: Roles, maxRole: string | undefined) {
    const keys = roles.keys();
    this.rank = new Map(keys.map((k, i) => [k, i]));
    const fallback = keys.find((k) => !roles.isAdmin(k));
    const chosen = maxRole ?? fallback;
    if (chosen === undefined || !this.rank.has(chosen)) {
      throw new Error(
        maxRole === undefined
          ? 'Invitekit: invalid configuration:\n  joinLinks.maxRole is needed: every role is an admin role'
          : `Invitekit: invalid configuration:\n  joinLinks.maxRole ${JSON.stringify(maxRole)} is not a configured role`,
      );
    }
    this.maxRole = chosen;
  }

  check(role: string): void {
    if ((this.rank.get(role) ?? -1) < this.rank.get(this.maxRole)!) {
      throw new InvitekitError({
        code: 'join_link_role_not_allowed',
        message: 'role not allowed for join links',
        longMessage: `Join links may grant at most ${this.maxRole}; ${role} is above it`,
        meta: { param_name: 'role', max_role: this.maxRole },
      });
    }
  }
}

/** Allowed domains, normalised as addresses are (UTS #46 ASCII, lower case), without repeats. */
export function normalizeDomains(domains: string[] | null | undefined): string[] {
  const out = new Set<string>();
  for (const raw of domains ?? []) {
    const domain = typeof raw === 'string' ? raw.trim().replace(/^@/, '') : '';
    const email = domain ? canonicalEmail(`x@${domain}`) : null;
    if (!email) {
      throw invalidParam('allowed_email_domains', `${JSON.stringify(raw)} is not an email domain`);
    }
    out.add(email.slice(email.lastIndexOf('@') + 1));
  }
  return [...out];
}

/** The first verified address the link lets join: any, or one on an allowed domain. */
export function admittedEmail(verified: string[], allowedDomains: string[]): string | null {
  if (allowedDomains.length === 0) return verified[0] ?? null;
  return verified.find((e) => allowedDomains.includes(e.slice(e.lastIndexOf('@') + 1))) ?? null;
}

export const joinLinkTokenInvalid = () =>
  new InvitekitError({
    code: 'join_link_token_invalid',
    message: 'invalid join link',
    longMessage: 'This join link is not valid; ask an admin of the organization for a new one',
  });

export const joinLinkNotActive = (status: JoinLinkStatus) =>
  new InvitekitError({
    code: 'join_link_not_active',
    message: 'join link not active',
    longMessage:
      status === 'used_up'
        ? 'This join link has been used as many times as it allows'
        : `This join link is ${status}`,
    meta: { status },
  });

export const joinLinkEmailNotAllowed = (allowedDomains: string[]) =>
  new InvitekitError({
    code: 'join_link_email_not_allowed',
    message: 'no verified address allowed',
    longMessage: allowedDomains.length
      ? `Joining through this link needs a verified email address at ${allowedDomains.join(', ')}`
      : 'Joining through this link needs a verified email address',
    meta: { allowed_email_domains: allowedDomains },
  });

export const joinLinkUseNotPending = (status: JoinLinkUseStatus) =>
  new InvitekitError({
    code: 'join_link_use_not_pending',
    message: 'not pending',
    longMessage: `This join request is ${status}; only pending requests can be approved or rejected`,
    meta: { status },
  });
