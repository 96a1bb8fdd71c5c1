import { z } from 'zod';
import {
  enrollmentModes,
  type MembershipRequest,
  type OrganizationDomain,
  type OrganizationSuggestion,
} from '../domain/organization-domains.js';
import { ClientStubSchema, PublicOrganizationDataSchema } from './responses.js';

// Wire shapes of verified domains, suggestions and membership requests (contract/clerk-bapi-domains.yml,
// contract/clerk-fapi-domains.yml), and their serializers.

const millis = z.int();

const VerificationSchema = z
  .object({
    status: z.enum(['unverified', 'verified']),
    strategy: z
      .string()
      .describe('`admin` (Backend API) or `email_address` (an admin’s own verified address).'),
    attempts: z.int().nullable(),
    expire_at: millis.nullable(),
    verified_at: millis.nullable(),
  })
  .meta({ id: 'OrganizationDomainVerification' });

export const OrganizationDomainSchema = z
  .object({
    object: z.literal('organization_domain'),
    id: z.string(),
    organization_id: z.string(),
    name: z.string(),
    enrollment_mode: z.enum(enrollmentModes),
    affiliation_email_address: z.string().nullable(),
    affiliation_verification: VerificationSchema.nullable(),
    ownership_verification: z.null(),
    verification: VerificationSchema.nullable(),
    total_pending_invitations: z.int(),
    total_pending_suggestions: z.int(),
    public_organization_data: PublicOrganizationDataSchema,
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'OrganizationDomain' });

export const OrganizationDomainsSchema = z
  .object({ data: z.array(OrganizationDomainSchema), total_count: z.int() })
  .meta({ id: 'OrganizationDomains' });

export const OrganizationSuggestionSchema = z
  .object({
    object: z.literal('organization_suggestion'),
    id: z.string(),
    public_organization_data: PublicOrganizationDataSchema,
    status: z.enum(['pending', 'accepted']),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'OrganizationSuggestion' });

export const MembershipRequestSchema = z
  .object({
    object: z.literal('organization_membership_request'),
    id: z.string(),
    organization_id: z.string(),
    status: z.enum(['pending', 'accepted', 'rejected']),
    public_user_data: z.object({
      user_id: z.string(),
      first_name: z.string().nullable(),
      last_name: z.string().nullable(),
      image_url: z.string(),
      has_image: z.boolean(),
      identifier: z.string(),
    }),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'OrganizationMembershipRequest' });

export const MembershipRequestsSchema = z
  .object({ data: z.array(MembershipRequestSchema), total_count: z.int() })
  .meta({ id: 'OrganizationMembershipRequests' });

/**
 * The Backend API's (Invitekit extension routes): Clerk's object plus where the request came from and who
 * decided. The Frontend API keeps Clerk's shape exactly.
 */
export const BackendMembershipRequestSchema = MembershipRequestSchema.extend({
  role: z.string().nullable().describe('The role granted on acceptance; null: the default role.'),
  join_link_id: z
    .string()
    .nullable()
    .describe('Set when a join link that requires approval made the request.'),
  join_link_use_id: z.string().nullable().describe('That join link use, settled with the request.'),
  decided_by: z.string().nullable(),
  decided_at: millis.nullable(),
}).meta({ id: 'InvitekitOrganizationMembershipRequest' });

export const BackendMembershipRequestsSchema = z
  .object({ data: z.array(BackendMembershipRequestSchema), total_count: z.int() })
  .meta({ id: 'InvitekitOrganizationMembershipRequests' });

const wrapped = <T extends z.ZodType>(response: T, id: string) =>
  z.object({ response, client: ClientStubSchema }).meta({ id });

export const FrontendDomainWrapped = wrapped(OrganizationDomainSchema, 'ClientWrappedOrganizationDomain');
export const FrontendDomainsWrapped = wrapped(OrganizationDomainsSchema, 'ClientWrappedOrganizationDomains');
export const FrontendDeletedWrapped = wrapped(
  z.object({ object: z.string(), id: z.string(), deleted: z.boolean() }),
  'ClientWrappedDeletedObject',
);
export const FrontendSuggestionWrapped = wrapped(
  OrganizationSuggestionSchema,
  'ClientWrappedOrganizationSuggestion',
);
export const FrontendSuggestionsWrapped = wrapped(
  z.object({ data: z.array(OrganizationSuggestionSchema), total_count: z.int() }),
  'ClientWrappedOrganizationSuggestions',
);
export const FrontendMembershipRequestWrapped = wrapped(
  MembershipRequestSchema,
  'ClientWrappedOrganizationMembershipRequest',
);
export const FrontendMembershipRequestsWrapped = wrapped(
  MembershipRequestsSchema,
  'ClientWrappedOrganizationMembershipRequests',
);

export type WireOrganizationDomain = z.infer<typeof OrganizationDomainSchema>;
export type WireMembershipRequest = z.infer<typeof MembershipRequestSchema>;
export type WireBackendMembershipRequest = z.infer<typeof BackendMembershipRequestSchema>;

const publicOrganization = (o: { id: string; name: string; slug: string }) => ({
  ...o,
  image_url: '',
  has_image: false,
});

export function organizationDomain(d: OrganizationDomain): WireOrganizationDomain {
  const verification = d.verified
    ? {
        status: 'verified' as const,
        strategy: d.verificationStrategy ?? 'admin',
        attempts: null,
        expire_at: null,
        verified_at: null,
      }
    : null;
  return {
    object: 'organization_domain',
    id: d.id,
    organization_id: d.organizationId,
    name: d.name,
    enrollment_mode: d.enrollmentMode,
    affiliation_email_address: d.affiliationEmailAddress,
    affiliation_verification: verification,
    ownership_verification: null,
    verification,
    total_pending_invitations: d.totalPendingInvitations,
    total_pending_suggestions: d.totalPendingSuggestions,
    public_organization_data: publicOrganization(d.organization),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

export function organizationSuggestion(s: OrganizationSuggestion) {
  return {
    object: 'organization_suggestion' as const,
    id: s.id,
    public_organization_data: publicOrganization(s.organization),
    status: s.status,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

export function membershipRequest(r: MembershipRequest): WireMembershipRequest {
  return {
    object: 'organization_membership_request',
    id: r.id,
    organization_id: r.organizationId,
    status: r.status,
    public_user_data: {
      user_id: r.user.userId,
      first_name: r.user.firstName,
      last_name: r.user.lastName,
      image_url: '',
      has_image: false,
      identifier: r.user.identifier ?? '',
    },
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function backendMembershipRequest(r: MembershipRequest): WireBackendMembershipRequest {
  return {
    ...membershipRequest(r),
    // `?? null`: webhook snapshots recorded before these fields existed lack them.
    role: r.role ?? null,
    join_link_id: r.joinLinkId ?? null,
    join_link_use_id: r.joinLinkUseId ?? null,
    decided_by: r.decidedBy ?? null,
    decided_at: r.decidedAt ?? null,
  };
}
