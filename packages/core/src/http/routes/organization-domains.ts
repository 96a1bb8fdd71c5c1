import { z } from 'zod';
import { enrollmentModes } from '../../domain/organization-domains.js';
import type { InvitekitServices } from '../../services/index.js';
import {
  FrontendDeletedWrapped,
  FrontendDomainsWrapped,
  FrontendDomainWrapped,
  OrganizationDomainSchema,
  OrganizationDomainsSchema,
  organizationDomain,
} from '../../wire/organization-domains.js';
import { DeletedObjectSchema } from '../../wire/responses.js';
import { clientWrapped, page } from '../../wire/serialize.js';
import { booleanParam, limitParam, listParam, offsetParam, orderByParam, stringParam } from '../params.js';
import { defineRoute, type Route } from '../route.js';
import type { AuthenticatedUser } from '../types.js';

// Verified domains: the Backend API as @clerk/backend calls it (contract/clerk-bapi-domains.yml), and the
// Frontend API for organization admins (contract/clerk-fapi-domains.yml).

const tags = ['Organization Domains'];
const admin = ['Frontend API: organization admins'];
const orgParams = z.object({ organization_id: z.string().min(1) });
const domainParams = orgParams.extend({ domain_id: z.string().min(1) });
const mode = z.enum(enrollmentModes);
const name = z
  .string()
  .min(1)
  .max(253)
  .describe('A domain name, e.g. example.com; stored in its ASCII form.');
const listQuery = z.object({
  verified: booleanParam,
  enrollment_mode: listParam(z.string().regex(/^[-+]?[a-z_]+$/)).describe(
    'Filter by enrollment mode; `-mode` excludes it. Repeat or separate by commas.',
  ),
  limit: limitParam,
  offset: offsetParam,
});
const signedIn = (user: AuthenticatedUser | null) => user!;

/** One organization's domains, as both APIs list them. */
const listDomains = async (
  services: InvitekitServices,
  organizationId: string,
  query: z.infer<typeof listQuery>,
) =>
  page(
    await services.organizationDomains.list(organizationId, {
      verified: query.verified,
      enrollmentModes: query.enrollment_mode,
      limit: query.limit,
      offset: query.offset,
    }),
    organizationDomain,
  );
const deleted = (id: string) => ({ object: 'organization_domain', id, deleted: true });

export const organizationDomainRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/domains',
    operationId: 'CreateOrganizationDomain',
    summary: 'Add a domain to an organization; verified unless `verified: false`',
    tags,
    auth: 'secret',
    params: orgParams,
    body: z.strictObject({
      name,
      enrollment_mode: mode.optional(),
      verified: z.boolean().nullable().optional(),
    }),
    response: OrganizationDomainSchema,
    handler: async ({ params, body }, { services }) =>
      organizationDomain(
        await services.organizationDomains.create(params.organization_id, {
          name: body.name,
          enrollmentMode: body.enrollment_mode,
          verified: body.verified,
        }),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/domains',
    operationId: 'ListOrganizationDomains',
    summary: "An organization's domains, newest first",
    tags,
    auth: 'secret',
    params: orgParams,
    query: listQuery,
    response: OrganizationDomainsSchema,
    handler: async ({ params, query }, { services }) => listDomains(services, params.organization_id, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organization_domains',
    operationId: 'ListAllOrganizationDomains',
    summary: "Every organization's domains, filtered by organization, verification, mode, name",
    tags,
    auth: 'secret',
    query: listQuery.extend({
      organization_id: stringParam,
      query: stringParam.refine((q) => q === undefined || q.trim() !== '', 'must not be blank'),
      domains: listParam(z.string().max(253)),
      order_by: orderByParam(['name', 'created_at'] as const, '-created_at'),
    }),
    response: OrganizationDomainsSchema,
    handler: async ({ query }, { services }) =>
      page(
        await services.organizationDomains.listAll({
          organizationId: query.organization_id,
          query: query.query,
          names: query.domains,
          verified: query.verified,
          enrollmentModes: query.enrollment_mode,
          orderBy: query.order_by,
          limit: query.limit,
          offset: query.offset,
        }),
        organizationDomain,
      ),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{organization_id}/domains/{domain_id}',
    operationId: 'UpdateOrganizationDomain',
    summary: "Change a domain's enrollment mode or verification",
    tags,
    auth: 'secret',
    params: domainParams,
    body: z.strictObject({
      enrollment_mode: mode.nullable().optional(),
      verified: z.boolean().nullable().optional(),
    }),
    response: OrganizationDomainSchema,
    handler: async ({ params, body }, { services }) =>
      organizationDomain(
        await services.organizationDomains.update(params.organization_id, params.domain_id, {
          enrollmentMode: body.enrollment_mode,
          verified: body.verified,
        }),
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/organizations/{organization_id}/domains/{domain_id}',
    operationId: 'DeleteOrganizationDomain',
    summary: 'Remove a domain; its pending automatic invitations are revoked and pending suggestions dropped',
    tags,
    auth: 'secret',
    params: domainParams,
    response: DeletedObjectSchema,
    handler: async ({ params }, { services }) =>
      deleted((await services.organizationDomains.delete(params.organization_id, params.domain_id)).id),
  }),
];

/** The Frontend API side, for admins of the organization. */
export function frontendOrganizationDomainRoutes(prefix: string): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/domains`,
      operationId: 'FrontendCreateOrganizationDomain',
      summary:
        'Add a domain; verified at once when one of my own verified addresses is at it, unverified otherwise',
      tags: admin,
      auth: 'user',
      params: orgParams,
      body: z.strictObject({ name, enrollment_mode: mode.nullable().optional() }),
      response: FrontendDomainWrapped,
      handler: async ({ params, body, user }, { services }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        return clientWrapped(
          organizationDomain(
            await services.organizationDomains.create(params.organization_id, {
              name: body.name,
              enrollmentMode: body.enrollment_mode,
              verifier: signedIn(user),
            }),
          ),
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${prefix}/organizations/{organization_id}/domains`,
      operationId: 'FrontendListOrganizationDomains',
      summary: "An organization's domains (admins only)",
      tags: admin,
      auth: 'user',
      params: orgParams,
      query: listQuery,
      response: FrontendDomainsWrapped,
      handler: async ({ params, query, user }, { services }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        return clientWrapped(await listDomains(services, params.organization_id, query));
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${prefix}/organizations/{organization_id}/domains/{domain_id}`,
      operationId: 'FrontendGetOrganizationDomain',
      summary: 'One domain of an organization (admins only)',
      tags: admin,
      auth: 'user',
      params: domainParams,
      response: FrontendDomainWrapped,
      handler: async ({ params, user }, { services }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        return clientWrapped(
          organizationDomain(
            await services.organizationDomains.get(params.organization_id, params.domain_id),
          ),
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/domains/{domain_id}/update_enrollment_mode`,
      operationId: 'FrontendUpdateOrganizationDomainEnrollmentMode',
      summary: "Change a domain's enrollment mode; `delete_pending` revokes what the old mode created",
      tags: admin,
      auth: 'user',
      params: domainParams,
      body: z.strictObject({ enrollment_mode: mode, delete_pending: z.boolean().nullable().optional() }),
      response: FrontendDomainWrapped,
      handler: async ({ params, body, user }, { services }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        return clientWrapped(
          organizationDomain(
            await services.organizationDomains.update(params.organization_id, params.domain_id, {
              enrollmentMode: body.enrollment_mode,
              deletePending: body.delete_pending,
            }),
          ),
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/domains/{domain_id}/prepare_affiliation_verification`,
      operationId: 'FrontendPrepareOrganizationDomainAffiliationVerification',
      summary:
        'Verify a domain with one of my own verified addresses at it (verified at once: no code is sent)',
      tags: admin,
      auth: 'user',
      params: domainParams,
      body: z.strictObject({ affiliation_email_address: z.string().min(3).max(320) }),
      response: FrontendDomainWrapped,
      handler: async ({ params, body, user }, { services }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        return clientWrapped(
          organizationDomain(
            await services.organizationDomains.verifyWithEmail(
              params.organization_id,
              params.domain_id,
              signedIn(user),
              body.affiliation_email_address,
            ),
          ),
        );
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `${prefix}/organizations/{organization_id}/domains/{domain_id}`,
      operationId: 'FrontendDeleteOrganizationDomain',
      summary: 'Remove a domain (admins only)',
      tags: admin,
      auth: 'user',
      params: domainParams,
      response: FrontendDeletedWrapped,
      handler: async ({ params, user }, { services }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        const { id } = await services.organizationDomains.delete(params.organization_id, params.domain_id);
        return clientWrapped(deleted(id));
      },
    }),
  ];
}
