import type { Metadata } from './metadata.js';
import type { InvitationStatus } from './status.js';

// Domain objects returned by the services. Timestamps are Unix milliseconds. The HTTP layer maps these
// to Clerk's wire shapes in one place (wire/serialize.ts).

export interface EmailAddress {
  id: string;
  emailAddress: string;
  verified: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface User {
  id: string;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  primaryEmailAddressId: string | null;
  emailAddresses: EmailAddress[];
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  unsafeMetadata: Metadata;
  createdAt: number;
  updatedAt: number;
}

/** What anyone in an organization may see of a user. `identifier` is the primary email address. */
export interface PublicUserData {
  userId: string;
  firstName: string | null;
  lastName: string | null;
  identifier: string | null;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  createdBy: string | null;
  maxAllowedMemberships: number;
  adminDeleteEnabled: boolean;
  /** Invitekit extension: the default locale of its invitations (null: the configured one). */
  locale: string | null;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  createdAt: number;
  updatedAt: number;
  /** Present only when asked for (`include_members_count`). */
  membersCount?: number;
}

export interface Membership {
  id: string;
  organization: Organization;
  user: PublicUserData;
  role: string;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  createdAt: number;
  updatedAt: number;
}

export interface PublicOrganizationData {
  id: string;
  name: string;
  slug: string;
}

export interface OrganizationInvitation {
  id: string;
  organizationId: string;
  emailAddress: string;
  role: string;
  /** Effective status: a pending invitation past `expiresAt` reads as `expired`. */
  status: InvitationStatus;
  inviterId: string | null;
  inviter: PublicUserData | null;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  redirectUrl: string | null;
  notify: boolean;
  /** Invitekit extension: BCP 47 locale of its emails and the hosted page (null: the configured one). */
  locale: string | null;
  /** The accept link; comes with accept tokens (issue #3), null until then. */
  url: string | null;
  expiresAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface OrganizationInvitationWithOrganization extends OrganizationInvitation {
  organization: PublicOrganizationData;
}

export interface ApplicationInvitation {
  id: string;
  emailAddress: string;
  status: InvitationStatus;
  publicMetadata: Metadata;
  redirectUrl: string | null;
  notify: boolean;
  /** As OrganizationInvitation.locale. */
  locale: string | null;
  url: string | null;
  expiresAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface DeletedObject {
  object: string;
  id: string;
  slug?: string;
  deleted: true;
}

/** The signed-in person behind a Frontend API request, as the host's identity provider vouches for them. */
export interface AuthenticatedUser {
  /** The user's id; Invitekit adds users it has not seen to its directory under this id. */
  id: string;
  /**
   * The person's email addresses. Only `verified: true` addresses can accept an invitation sent to them;
   * an unverified address that matches is never enough.
   */
  emailAddresses: { emailAddress: string; verified: boolean }[];
  firstName?: string | null;
  lastName?: string | null;
}
