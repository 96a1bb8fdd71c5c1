import { z } from 'zod';
import { invitationStatuses } from '../domain/status.js';
import { invitationEventTypes } from '../services/effects.js';

// Wire shapes, as in Clerk's Backend API (shared/contract/clerk-bapi-invitations.yml). The serializer
// is typed against these, and the OpenAPI document is generated from them.

const metadata = z.record(z.string(), z.unknown());
const millis = z.int();

export const ClerkErrorSchema = z
  .object({
    message: z.string(),
    long_message: z.string(),
    code: z.string(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'ClerkError' });

export const ClerkErrorsSchema = z
  .object({
    errors: z.array(ClerkErrorSchema),
    meta: z.record(z.string(), z.unknown()).optional(),
    clerk_trace_id: z.string().optional().describe('A fresh id per failed request, for support and logs.'),
  })
  .meta({ id: 'ClerkErrors' });

export const PublicUserDataSchema = z
  .object({
    user_id: z.string(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    image_url: z.string(),
    has_image: z.boolean(),
    identifier: z.string(),
  })
  .meta({ id: 'OrganizationInvitationPublicUserData' });

export const PublicOrganizationDataSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    image_url: z.string(),
    has_image: z.boolean(),
  })
  .meta({ id: 'OrganizationInvitationPublicOrganizationData' });

export const OrganizationInvitationSchema = z
  .object({
    object: z.literal('organization_invitation'),
    id: z.string(),
    email_address: z.string(),
    role: z.string(),
    role_name: z.string(),
    organization_id: z.string(),
    inviter_id: z.string().nullable(),
    public_inviter_data: PublicUserDataSchema.nullable(),
    status: z.enum(invitationStatuses),
    public_metadata: metadata,
    private_metadata: metadata,
    url: z.string().nullable(),
    expires_at: millis.nullable(),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'OrganizationInvitation' });

export const OrganizationInvitationWithOrganizationSchema = OrganizationInvitationSchema.extend({
  public_organization_data: PublicOrganizationDataSchema,
}).meta({ id: 'OrganizationInvitationWithPublicOrganizationData' });

export const InvitationSchema = z
  .object({
    object: z.literal('invitation'),
    id: z.string(),
    email_address: z.string(),
    public_metadata: metadata,
    revoked: z.boolean(),
    status: z.enum(invitationStatuses),
    url: z.string().optional(),
    expires_at: millis.nullable(),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'Invitation' });

export const OrganizationSchema = z
  .object({
    object: z.literal('organization'),
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    image_url: z.string(),
    has_image: z.boolean(),
    max_allowed_memberships: z.int(),
    admin_delete_enabled: z.boolean(),
    public_metadata: metadata,
    private_metadata: metadata,
    created_by: z.string().optional(),
    members_count: z.int().optional().describe('Only when asked for with include_members_count=true.'),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'Organization' });

export const MembershipSchema = z
  .object({
    object: z.literal('organization_membership'),
    id: z.string(),
    role: z.string(),
    role_name: z.string(),
    permissions: z.array(z.string()),
    public_metadata: metadata,
    private_metadata: metadata,
    organization: OrganizationSchema,
    public_user_data: z.object({
      user_id: z.string(),
      first_name: z.string().nullable(),
      last_name: z.string().nullable(),
      profile_image_url: z.string().nullable(),
      image_url: z.string(),
      has_image: z.boolean(),
      identifier: z.string().nullable(),
    }),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'OrganizationMembership' });

export const EmailAddressSchema = z
  .object({
    id: z.string(),
    object: z.literal('email_address'),
    email_address: z.string(),
    reserved: z.boolean(),
    verification: z
      .object({
        object: z.literal('verification_admin'),
        status: z.literal('verified'),
        strategy: z.literal('admin'),
        attempts: z.int().nullable(),
        expire_at: z.int().nullable(),
      })
      .nullable(),
    linked_to: z.array(z.object({ type: z.string(), id: z.string() })),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'EmailAddress' });

/** The fields of Clerk's User that Invitekit models; the rest are returned empty (see the README). */
export const UserSchema = z
  .object({
    id: z.string(),
    object: z.literal('user'),
    external_id: z.string().nullable(),
    primary_email_address_id: z.string().nullable(),
    primary_phone_number_id: z.null(),
    primary_web3_wallet_id: z.null(),
    username: z.null(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    image_url: z.string(),
    has_image: z.boolean(),
    public_metadata: metadata,
    private_metadata: metadata.nullable(),
    unsafe_metadata: metadata,
    email_addresses: z.array(EmailAddressSchema),
    phone_numbers: z.array(z.never()),
    web3_wallets: z.array(z.never()),
    passkeys: z.array(z.never()),
    password_enabled: z.boolean(),
    two_factor_enabled: z.boolean(),
    totp_enabled: z.boolean(),
    backup_code_enabled: z.boolean(),
    mfa_enabled_at: z.null(),
    mfa_disabled_at: z.null(),
    external_accounts: z.array(z.never()),
    saml_accounts: z.array(z.never()),
    enterprise_accounts: z.array(z.never()),
    last_sign_in_at: z.null(),
    banned: z.boolean(),
    locked: z.boolean(),
    lockout_expires_in_seconds: z.null(),
    verification_attempts_remaining: z.null(),
    created_at: millis,
    updated_at: millis,
    delete_self_enabled: z.boolean(),
    create_organization_enabled: z.boolean(),
    last_active_at: z.null(),
    legal_accepted_at: z.null(),
  })
  .meta({ id: 'User' });

export const DeletedObjectSchema = z
  .object({ object: z.string(), id: z.string(), slug: z.string().optional(), deleted: z.boolean() })
  .meta({ id: 'DeletedObject' });

const paginated = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item), total_count: z.int() }).meta({ id });

export const OrganizationInvitationsSchema = paginated(
  OrganizationInvitationSchema,
  'OrganizationInvitations',
);
export const OrganizationInvitationsWithOrganizationSchema = paginated(
  OrganizationInvitationWithOrganizationSchema,
  'OrganizationInvitationsWithPublicOrganizationData',
);
export const OrganizationsSchema = paginated(OrganizationSchema, 'Organizations');
export const MembershipsSchema = paginated(MembershipSchema, 'OrganizationMemberships');
export const InvitationListSchema = z.array(InvitationSchema);
/** `GET /v1/invitations?paginated=true`: what @clerk/backend's getInvitationList asks for. */
export const InvitationPageSchema = paginated(InvitationSchema, 'Invitations');
export const TotalCountSchema = z
  .object({ object: z.literal('total_count'), total_count: z.int() })
  .meta({ id: 'TotalCount' });
export const UserListSchema = z.array(UserSchema);

export const InvitationEventSchema = z
  .object({
    object: z.literal('invitation_event'),
    id: z.string(),
    invitation_id: z.string(),
    type: z.enum(invitationEventTypes),
    data: z.record(z.string(), z.unknown()),
    deliveries: z.array(
      z.object({
        object: z.literal('delivery'),
        id: z.string().describe('Also the webhook-id header of a webhook delivery.'),
        kind: z.enum(['email', 'webhook']),
        target: z.string().describe('The recipient address, or the webhook endpoint URL.'),
        status: z.enum(['pending', 'delivered', 'failed']),
        attempts: z.int(),
        last_error: z.string().nullable(),
        delivered_at: millis.nullable(),
      }),
    ),
    created_at: millis,
  })
  .meta({ id: 'InvitationEvent' });

export const InvitationEventsSchema = paginated(InvitationEventSchema, 'InvitationEvents');

/** Invitekit extension: an organization's reminder setting (packages/core/README.md, Reminders). */
export const OrganizationReminderSettingsSchema = z
  .object({
    object: z.literal('organization_reminder_settings'),
    organization_id: z.string(),
    enabled: z.boolean(),
    updated_at: millis.nullable(),
  })
  .meta({ id: 'OrganizationReminderSettings' });

export const HealthSchema = z.object({ status: z.enum(['ok', 'unavailable']), database: z.string() });

export type WireOrganizationInvitation = z.infer<typeof OrganizationInvitationSchema>;
export type WireInvitation = z.infer<typeof InvitationSchema>;
export type WireOrganization = z.infer<typeof OrganizationSchema>;
export type WireOrganizationReminderSettings = z.infer<typeof OrganizationReminderSettingsSchema>;
export type WireMembership = z.infer<typeof MembershipSchema>;
export type WireUser = z.infer<typeof UserSchema>;
export type WireClerkErrors = z.infer<typeof ClerkErrorsSchema>;
export type WireInvitationEvent = z.infer<typeof InvitationEventSchema>;

// ---- Frontend API (contract/clerk-fapi-invitations.yml) -------------------------------------------------
// What a browser may see: never private metadata. Every 2xx body is wrapped as Clerk's Frontend API wraps
// it, `{ response, client }`; Invitekit keeps no Clerk client sessions, so `client` is a fixed stub.

export const FrontendOrganizationInvitationSchema = OrganizationInvitationSchema.omit({
  private_metadata: true,
})
  .extend({ public_organization_data: PublicOrganizationDataSchema.optional() })
  .meta({ id: 'FrontendOrganizationInvitation' });

export const FrontendOrganizationInvitationUserContextSchema = FrontendOrganizationInvitationSchema.extend({
  public_organization_data: PublicOrganizationDataSchema,
}).meta({ id: 'FrontendOrganizationInvitationUserContext' });

export const ClientStubSchema = z
  .object({
    object: z.literal('client'),
    id: z.string(),
    sessions: z.array(z.never()),
    sign_in: z.null(),
    sign_up: z.null(),
    last_active_session_id: z.null(),
    last_authentication_strategy: z.null(),
    cookie_expires_at: z.null(),
    captcha_bypass: z.boolean(),
    created_at: millis,
    updated_at: millis,
  })
  .describe('Invitekit keeps no Clerk client sessions: a fixed stub, so Clerk-shaped parsers work.')
  .meta({ id: 'FrontendClient' });

const wrapped = <T extends z.ZodType>(response: T, id: string) =>
  z.object({ response, client: ClientStubSchema }).meta({ id });

const frontendPage = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), total_count: z.int() });

export const InvitationPreviewSchema = z
  .object({
    object: z.literal('invitation_preview'),
    kind: z.enum(['organization', 'application']),
    invitation_id: z.string(),
    status: z.enum(invitationStatuses),
    email_address: z.string().describe('Partly masked, e.g. j***@example.com.'),
    role: z.string().nullable(),
    role_name: z.string().nullable(),
    organization: z.object({ id: z.string(), name: z.string(), slug: z.string() }).nullable(),
    inviter: z.object({ first_name: z.string().nullable(), last_name: z.string().nullable() }).nullable(),
    expires_at: millis,
    locale: z.string().nullable().describe("The invitation's BCP 47 locale, for accept pages."),
  })
  .meta({ id: 'InvitationPreview' });

export const FrontendInvitationWrapped = wrapped(
  FrontendOrganizationInvitationSchema,
  'ClientWrappedOrganizationInvitation',
);
export const FrontendInvitationUserContextWrapped = wrapped(
  FrontendOrganizationInvitationUserContextSchema,
  'ClientWrappedOrganizationInvitationUserContext',
);
export const FrontendInvitationsWrapped = wrapped(
  frontendPage(FrontendOrganizationInvitationSchema),
  'ClientWrappedOrganizationInvitations',
);
export const FrontendInvitationArrayWrapped = wrapped(
  z.array(FrontendOrganizationInvitationSchema),
  'ClientWrappedOrganizationInvitationArray',
);
export const FrontendInvitationsUserContextWrapped = wrapped(
  frontendPage(FrontendOrganizationInvitationUserContextSchema),
  'ClientWrappedOrganizationInvitationsUserContext',
);
export const InvitationPreviewWrapped = wrapped(InvitationPreviewSchema, 'ClientWrappedInvitationPreview');
export const TicketAcceptWrapped = wrapped(
  z.union([FrontendOrganizationInvitationUserContextSchema, InvitationSchema]),
  'ClientWrappedAcceptedInvitation',
);

export type WireFrontendOrganizationInvitation = z.infer<typeof FrontendOrganizationInvitationSchema>;
export type WireInvitationPreview = z.infer<typeof InvitationPreviewSchema>;
export type WireClientStub = z.infer<typeof ClientStubSchema>;
