import type { z } from 'zod';
import type { Roles } from '../domain/roles.js';
import type { InvitekitServices } from '../services/index.js';
import type { AuthenticatedUser } from './types.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext {
  services: InvitekitServices;
  roles: Roles;
}

/**
 * One entry of the route table: where, what it accepts (zod schemas that both validate and document),
 * what it returns, and the handler, which calls a service and serialises its result.
 */
export interface Route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** OpenAPI-style template relative to the mount point, e.g. `/v1/organizations/{organization_id}`. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  deprecated?: boolean;
  /**
   * `secret`: Backend API key. `user`: a signed-in person, resolved by the configured `authenticate` hook
   * (Frontend API). `none`: public (health, OpenAPI document, invitation preview).
   */
  auth: 'secret' | 'user' | 'none';
  params?: P;
  query?: Q;
  body?: B;
  /**
   * `auth: 'user'` only: the route adds the signed-in person to the directory itself (as
   * services.identities `identify` does), so the handler does not before it runs: the token accept
   * writes a first-seen person in its own statement, one commit instead of two (bench/README.md, "Accept").
   */
  identifiesUser?: boolean;
  /** Counted against the per-client-address limit (token preview and accept), before anything else. */
  limitedPerClient?: boolean;
  /**
   * Invitekit extension (imports): the body may be large (up to the adapter's `largeBodyLimit`) and may be
   * CSV text (`text/csv`), which adapters hand over as a string.
   */
  largeBody?: boolean;
  /** The success status, when not 200 (an import's 202: accepted, processed in the background). */
  successStatus?: 202;
  /** Whether a body may be omitted entirely (e.g. revoke with no requesting user). */
  bodyOptional?: boolean;
  response: z.ZodType;
  handler: (
    input: {
      params: z.output<P>;
      query: z.output<Q>;
      body: z.output<B>;
      /** The signed-in person on `auth: 'user'` routes (never null there); null elsewhere. */
      user: AuthenticatedUser | null;
    },
    ctx: RouteContext,
  ) => Promise<unknown>;
}

/** Identity function that infers a route's types from its schemas. */
export const defineRoute = <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  route: Route<P, Q, B>,
) => route as unknown as Route;
