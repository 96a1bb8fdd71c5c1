import { z } from 'zod';
import type { JoinLink, JoinLinkPreview, JoinLinkUse } from '../domain/join-links.js';
import type { Roles } from '../domain/roles.js';
import type { JoinResult } from '../services/join-links.js';
import type { Paginated } from '../services/listing.js';
import { ClientStubSchema } from './responses.js';

// Invitekit extension: join links on the wire (snake_case, Unix milliseconds, `{ data, total_count }`),
// in the style of Clerk's shapes. Nothing here carries metadata.

const millis = z.int();
const organizationRef = z.object({ id: z.string(), name: z.string(), slug: z.string() });

export const JoinLinkSchema = z
  .object({
    object: z.literal('join_link'),
    id: z.string(),
    organization_id: z.string(),
    role: z.string(),
    role_name: z.string(),
    status: z.enum(['active', 'revoked', 'expired', 'used_up']),
    max_uses: z.int().nullable(),
    uses_count: z.int(),
    allowed_email_domains: z.array(z.string()),
    require_approval: z.boolean(),
    created_by: z.string().nullable(),
    expires_at: millis.nullable(),
    revoked_at: millis.nullable(),
    url: z.string().nullable().describe('The join link with its token: on the create response only.'),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'JoinLink' });

export const JoinLinkUseSchema = z
  .object({
    object: z.literal('join_link_use'),
    id: z.string(),
    join_link_id: z.string(),
    organization_id: z.string(),
    user_id: z.string(),
    email_address: z.string().describe('The verified address the person joined with.'),
    status: z.enum(['joined', 'pending', 'rejected']),
    membership_id: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_at: millis.nullable(),
    created_at: millis,
    updated_at: millis,
  })
  .meta({ id: 'JoinLinkUse' });

export const JoinLinksSchema = z
  .object({ data: z.array(JoinLinkSchema), total_count: z.int() })
  .meta({ id: 'JoinLinks' });
export const JoinLinkUsesSchema = z
  .object({ data: z.array(JoinLinkUseSchema), total_count: z.int() })
  .meta({ id: 'JoinLinkUses' });

export const JoinLinkPreviewSchema = z
  .object({
    object: z.literal('join_link_preview'),
    join_link_id: z.string(),
    status: z.enum(['active', 'revoked', 'expired', 'used_up']),
    role: z.string(),
    role_name: z.string(),
    organization: organizationRef,
    require_approval: z.boolean(),
    allowed_email_domains: z.array(z.string()),
    expires_at: millis.nullable(),
  })
  .meta({ id: 'JoinLinkPreview' });

export const JoinLinkJoinSchema = JoinLinkUseSchema.extend({ organization: organizationRef }).meta({
  id: 'JoinLinkJoin',
});

const wrapped = <T extends z.ZodType>(response: T, id: string) =>
  z.object({ response, client: ClientStubSchema }).meta({ id });

export const JoinLinkWrapped = wrapped(JoinLinkSchema, 'ClientWrappedJoinLink');
export const JoinLinksWrapped = wrapped(JoinLinksSchema, 'ClientWrappedJoinLinks');
export const JoinLinkUseWrapped = wrapped(JoinLinkUseSchema, 'ClientWrappedJoinLinkUse');
export const JoinLinkUsesWrapped = wrapped(JoinLinkUsesSchema, 'ClientWrappedJoinLinkUses');
export const JoinLinkPreviewWrapped = wrapped(JoinLinkPreviewSchema, 'ClientWrappedJoinLinkPreview');
export const JoinLinkJoinWrapped = wrapped(JoinLinkJoinSchema, 'ClientWrappedJoinLinkJoin');

export type WireJoinLink = z.infer<typeof JoinLinkSchema>;
export type WireJoinLinkUse = z.infer<typeof JoinLinkUseSchema>;
export type WireJoinLinkPreview = z.infer<typeof JoinLinkPreviewSchema>;
export type WireJoinLinkJoin = z.infer<typeof JoinLinkJoinSchema>;

/** A join-link webhook's `data`: the use, its role, and the organization's public data. */
export interface WireJoinLinkUseWebhookData {
  object: 'join_link_use';
  id: string;
  join_link_id: string;
  organization_id: string;
  user_id: string;
  email_address: string;
  status: 'joined' | 'pending' | 'rejected';
  role: string;
  membership_id: string | null;
  created_at: number;
  updated_at: number;
  public_organization_data: { id: string; name: string; slug: string; image_url: string; has_image: boolean };
}

export function joinLink(l: JoinLink, roles: Roles): WireJoinLink {
  return {
    object: 'join_link',
    id: l.id,
    organization_id: l.organizationId,
    role: l.role,
    role_name: roles.name(l.role),
    status: l.status,
    max_uses: l.maxUses,
    uses_count: l.usesCount,
    allowed_email_domains: l.allowedEmailDomains,
    require_approval: l.requireApproval,
    created_by: l.createdBy,
    expires_at: l.expiresAt,
    revoked_at: l.revokedAt,
    url: l.url,
    created_at: l.createdAt,
    updated_at: l.updatedAt,
  };
}

export function joinLinkUse(u: JoinLinkUse): WireJoinLinkUse {
  return {
    object: 'join_link_use',
    id: u.id,
    join_link_id: u.joinLinkId,
    organization_id: u.organizationId,
    user_id: u.userId,
    email_address: u.emailAddress,
    status: u.status,
    membership_id: u.membershipId,
    decided_by: u.decidedBy,
    decided_at: u.decidedAt,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

export const joinLinkJoin = (r: JoinResult): WireJoinLinkJoin => ({
  ...joinLinkUse(r.use),
  organization: r.organization,
});

export function joinLinkPreview(p: JoinLinkPreview): WireJoinLinkPreview {
  return {
    object: 'join_link_preview',
    join_link_id: p.joinLinkId,
    status: p.status,
    role: p.role,
    role_name: p.roleName,
    organization: p.organization,
    require_approval: p.requireApproval,
    allowed_email_domains: p.allowedEmailDomains,
    expires_at: p.expiresAt,
  };
}

export const joinLinkPage = <T, W>(p: Paginated<T>, map: (item: T) => W) => ({
  data: p.data.map(map),
  total_count: p.totalCount,
});
