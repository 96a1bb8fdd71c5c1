import type {
  ApplicationInvitation,
  Membership,
  Organization,
  OrganizationInvitation,
  OrganizationInvitationWithOrganization,
  PublicUserData,
  User,
} from '../domain/models.js';
import type { OrganizationReminderSettings } from '../domain/reminders.js';
import type { Roles } from '../domain/roles.js';
import type { InvitationPreview } from '../services/acceptance.js';
import type { InvitationEvent } from '../services/invitation-events.js';
import type { Paginated } from '../services/listing.js';
import type {
  WireClientStub,
  WireFrontendOrganizationInvitation,
  WireInvitation,
  WireInvitationEvent,
  WireInvitationPreview,
  WireMembership,
  WireOrganization,
  WireOrganizationInvitation,
  WireOrganizationReminderSettings,
  WireUser,
} from './responses.js';

// The one place where domain objects become Clerk's wire JSON (snake_case, `object` tags, ms timestamps).

const publicInviterData = (u: PublicUserData | null) =>
  u
    ? {
        user_id: u.userId,
        first_name: u.firstName,
        last_name: u.lastName,
        image_url: '',
        has_image: false,
        identifier: u.identifier ?? '',
      }
    : null;

export function organizationInvitation(i: OrganizationInvitation, roles: Roles): WireOrganizationInvitation {
  return {
    object: 'organization_invitation',
    id: i.id,
    email_address: i.emailAddress,
    role: i.role,
    role_name: roles.name(i.role),
    organization_id: i.organizationId,
    inviter_id: i.inviterId,
    public_inviter_data: publicInviterData(i.inviter),
    status: i.status,
    public_metadata: i.publicMetadata,
    private_metadata: i.privateMetadata,
    url: i.url,
    expires_at: i.expiresAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}

export function organizationInvitationWithOrganization(
  i: OrganizationInvitationWithOrganization,
  roles: Roles,
) {
  return {
    ...organizationInvitation(i, roles),
    public_organization_data: { ...i.organization, image_url: '', has_image: false },
  };
}

export function invitation(i: ApplicationInvitation): WireInvitation {
  return {
    object: 'invitation',
    id: i.id,
    email_address: i.emailAddress,
    public_metadata: i.publicMetadata,
    revoked: i.status === 'revoked',
    status: i.status,
    ...(i.url ? { url: i.url } : {}),
    expires_at: i.expiresAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}

export function organization(o: Organization): WireOrganization {
  return {
    object: 'organization',
    id: o.id,
    name: o.name,
    slug: o.slug,
    image_url: '',
    has_image: false,
    max_allowed_memberships: o.maxAllowedMemberships,
    admin_delete_enabled: o.adminDeleteEnabled,
    public_metadata: o.publicMetadata,
    private_metadata: o.privateMetadata,
    ...(o.createdBy ? { created_by: o.createdBy } : {}),
    ...(o.membersCount !== undefined ? { members_count: o.membersCount } : {}),
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

export function membership(m: Membership, roles: Roles): WireMembership {
  return {
    object: 'organization_membership',
    id: m.id,
    role: m.role,
    role_name: roles.name(m.role),
    permissions: roles.permissions(m.role),
    public_metadata: m.publicMetadata,
    private_metadata: m.privateMetadata,
    organization: organization(m.organization),
    public_user_data: {
      user_id: m.user.userId,
      first_name: m.user.firstName,
      last_name: m.user.lastName,
      profile_image_url: null,
      image_url: '',
      has_image: false,
      identifier: m.user.identifier,
    },
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

export function user(u: User): WireUser {
  return {
    id: u.id,
    object: 'user',
    external_id: u.externalId,
    primary_email_address_id: u.primaryEmailAddressId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: null,
    first_name: u.firstName,
    last_name: u.lastName,
    image_url: '',
    has_image: false,
    public_metadata: u.publicMetadata,
    private_metadata: u.privateMetadata,
    unsafe_metadata: u.unsafeMetadata,
    email_addresses: u.emailAddresses.map((e) => ({
      id: e.id,
      object: 'email_address' as const,
      email_address: e.emailAddress,
      reserved: false,
      verification: e.verified
        ? {
            object: 'verification_admin' as const,
            status: 'verified' as const,
            strategy: 'admin' as const,
            attempts: null,
            expire_at: null,
          }
        : null,
      linked_to: [],
      created_at: e.createdAt,
      updated_at: e.updatedAt,
    })),
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: null,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: null,
    legal_accepted_at: null,
  };
}

export function invitationEvent(e: InvitationEvent): WireInvitationEvent {
  return {
    object: 'invitation_event',
    id: e.id,
    invitation_id: e.invitationId,
    type: e.type,
    data: e.data,
    deliveries: e.deliveries.map((d) => ({
      object: 'delivery' as const,
      id: d.id,
      kind: d.kind,
      target: d.target,
      status: d.status,
      attempts: d.attempts,
      last_error: d.lastError,
      delivered_at: d.deliveredAt,
    })),
    created_at: e.createdAt,
  };
}

export const totalCount = (n: number) => ({ object: 'total_count' as const, total_count: n });

export const page = <T, W>(p: Paginated<T>, map: (item: T) => W) => ({
  data: p.data.map(map),
  total_count: p.totalCount,
});

// ---- Frontend API: the one place private metadata is left out -----------------------------------------

/** An organization invitation as a browser may see it: no `private_metadata`, ever. */
export function frontendOrganizationInvitation(
  i: OrganizationInvitation | OrganizationInvitationWithOrganization,
  roles: Roles,
): WireFrontendOrganizationInvitation {
  const { private_metadata: _private, ...visible } = organizationInvitation(i, roles);
  return 'organization' in i
    ? { ...visible, public_organization_data: { ...i.organization, image_url: '', has_image: false } }
    : visible;
}

export function frontendOrganizationInvitationWithOrganization(
  i: OrganizationInvitationWithOrganization,
  roles: Roles,
) {
  return frontendOrganizationInvitation(i, roles) as WireFrontendOrganizationInvitation & {
    public_organization_data: NonNullable<WireFrontendOrganizationInvitation['public_organization_data']>;
  };
}

export function invitationPreview(p: InvitationPreview): WireInvitationPreview {
  return {
    object: 'invitation_preview',
    kind: p.kind,
    invitation_id: p.invitationId,
    status: p.status,
    email_address: p.emailAddress,
    role: p.role,
    role_name: p.roleName,
    organization: p.organization,
    inviter: p.inviter ? { first_name: p.inviter.firstName, last_name: p.inviter.lastName } : null,
    expires_at: p.expiresAt,
    locale: p.locale,
  };
}

const CLIENT_STUB: WireClientStub = {
  object: 'client',
  id: 'client_invitekit',
  sessions: [],
  sign_in: null,
  sign_up: null,
  last_active_session_id: null,
  last_authentication_strategy: null,
  cookie_expires_at: null,
  captcha_bypass: false,
  created_at: 0,
  updated_at: 0,
};

/** Clerk's Frontend API envelope: `{ response, client }`. */
export const clientWrapped = <T>(response: T) => ({ response, client: CLIENT_STUB });

export const organizationReminderSettings = (
  s: OrganizationReminderSettings,
): WireOrganizationReminderSettings => ({
  object: 'organization_reminder_settings',
  organization_id: s.organizationId,
  enabled: s.enabled,
  updated_at: s.updatedAt,
});
