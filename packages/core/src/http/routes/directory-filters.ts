import { z } from 'zod';
import type { MembershipFilter } from '../../services/memberships.js';
import type { UserFilter } from '../../services/users.js';
import { booleanParam, listParam, stringParam } from '../params.js';

// Clerk's filters on users and memberships, shared by the lists and the user count. Filters on what
// Invitekit's users never have (phone numbers, usernames, web3 wallets, external accounts, sign-in
// activity, bans) are accepted and match nobody, as in a Clerk instance where no user has one.

/** Unix milliseconds in a query string. */
const millisParam = z
  .preprocess(
    (v) => (Array.isArray(v) && v.length === 1 ? v[0] : v),
    z.string().regex(/^\d+$/, 'must be Unix milliseconds').transform(Number),
  )
  .optional();

const ids = listParam(z.string());

const neverModelled = {
  phone_number: ids,
  username: ids,
  web3_wallet: ids,
  phone_number_query: stringParam,
  username_query: stringParam,
  last_active_at_before: millisParam,
  last_active_at_after: millisParam,
};

type NeverModelled = {
  phone_number?: string[];
  username?: string[];
  web3_wallet?: string[];
  phone_number_query?: string;
  username_query?: string;
  last_active_at_before?: number;
  last_active_at_after?: number;
};

const asksForUnmodelled = (q: NeverModelled) =>
  Boolean(
    q.phone_number?.length ||
      q.username?.length ||
      q.web3_wallet?.length ||
      q.phone_number_query ||
      q.username_query ||
      q.last_active_at_before !== undefined ||
      q.last_active_at_after !== undefined,
  );

/** `GET /v1/users` and `GET /v1/users/count`. */
export const userFilterQuery = {
  email_address: listParam(z.string()),
  user_id: ids,
  external_id: ids,
  organization_id: ids.describe(
    'Members of these organizations; prefix - to exclude, + (or none) to include.',
  ),
  query: stringParam,
  email_address_query: stringParam,
  name_query: stringParam,
  created_at_before: millisParam,
  created_at_after: millisParam,
  ...neverModelled,
  last_active_at_since: millisParam,
  last_sign_in_at_before: millisParam,
  last_sign_in_at_after: millisParam,
  banned: booleanParam,
  provider: stringParam,
  provider_user_id: ids,
};

type UserFilterQuery = NeverModelled & {
  email_address?: string[];
  user_id?: string[];
  external_id?: string[];
  organization_id?: string[];
  query?: string;
  email_address_query?: string;
  name_query?: string;
  created_at_before?: number;
  created_at_after?: number;
  last_active_at_since?: number;
  last_sign_in_at_before?: number;
  last_sign_in_at_after?: number;
  banned?: boolean;
  provider?: string;
  provider_user_id?: string[];
};

export function toUserFilter(q: UserFilterQuery): UserFilter {
  return {
    emailAddresses: q.email_address,
    userIds: q.user_id,
    externalIds: q.external_id,
    organizationIds: q.organization_id,
    query: q.query,
    emailAddressQuery: q.email_address_query,
    nameQuery: q.name_query,
    createdAtBefore: q.created_at_before,
    createdAtAfter: q.created_at_after,
    matchNone:
      asksForUnmodelled(q) ||
      q.last_active_at_since !== undefined ||
      q.last_sign_in_at_before !== undefined ||
      q.last_sign_in_at_after !== undefined ||
      q.banned === true ||
      Boolean(q.provider_user_id?.length),
  };
}

/** `GET /v1/organizations/{organization_id}/memberships`. */
export const membershipFilterQuery = {
  user_id: ids,
  email_address: listParam(z.string()),
  role: listParam(z.string()),
  query: stringParam,
  email_address_query: stringParam,
  name_query: stringParam,
  created_at_before: millisParam,
  created_at_after: millisParam,
  ...neverModelled,
};

type MembershipFilterQuery = NeverModelled & {
  user_id?: string[];
  email_address?: string[];
  role?: string[];
  query?: string;
  email_address_query?: string;
  name_query?: string;
  created_at_before?: number;
  created_at_after?: number;
};

export function toMembershipFilter(q: MembershipFilterQuery): MembershipFilter {
  return {
    userIds: q.user_id,
    emailAddresses: q.email_address,
    roles: q.role,
    query: q.query,
    emailAddressQuery: q.email_address_query,
    nameQuery: q.name_query,
    createdAtBefore: q.created_at_before,
    createdAtAfter: q.created_at_after,
    matchNone: asksForUnmodelled(q),
  };
}

/** Clerk's membership orderings (`order_by`). */
export const membershipOrderFields = [
  'created_at',
  'email_address',
  'first_name',
  'last_name',
  'phone_number',
  'username',
] as const;
