import type { z } from 'zod';
import { InvitekitError } from '../domain/errors.js';
import type { SecretKeys } from './auth.js';
import { jsonResponse, toErrorResponse, validationError } from './errors.js';
import type { Idempotency } from './idempotency.js';
import { checkAuthenticatedUser, checkRequestInput } from './input-guard.js';
import { normalizeQuery } from './query.js';
import type { Route, RouteContext } from './route.js';
import { Router } from './router.js';
import type { Authenticate, AuthenticatedUser, InvitekitRequest, InvitekitResponse } from './types.js';

/** A handler result with a status other than 200 (e.g. a failing readiness check). */
export class StatusResult {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export interface HandlerOptions {
  routes: Route[];
  context: RouteContext;
  secretKeys: SecretKeys;
  /** Resolves the signed-in person on `auth: 'user'` routes; without it those routes answer 401. */
  authenticate?: Authenticate;
  /**
   * Called with every person `authenticate` resolves, before the route runs (adds them to the directory),
   * unless the route does that itself (`identifiesUser`).
   */
  identify?: (user: AuthenticatedUser) => Promise<void>;
  /** Called with errors that are bugs (they become a 500). */
  onUnexpectedError?: (err: unknown, request: InvitekitRequest) => void;
  /** Called with database outage errors (they become a 503). */
  onUnavailable?: (err: unknown) => void;
  /** Counts a request to a `limitedPerClient` route; throws the 429 once the client's limit is used up. */
  limitPerClient?: (request: InvitekitRequest) => Promise<void>;
  /** `Idempotency-Key` on every POST (http/idempotency.ts); without it the header is ignored. */
  idempotency?: Idempotency;
}

export type Handle = (request: InvitekitRequest) => Promise<InvitekitResponse>;

function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'path',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

const notSignedIn = () =>
  new InvitekitError({
    code: 'authentication_invalid',
    message: 'not signed in',
    longMessage: 'This endpoint needs a signed-in user; send a valid session token',
  });

/** A path outside the route table, such as a Clerk SDK method Invitekit does not serve (see the README). */
const notServed = (method: string, path: string) =>
  new InvitekitError({
    code: 'resource_not_found',
    message: 'not found',
    longMessage: `${method.toUpperCase()} ${path} is not served by Invitekit; the README's Clerk compatibility table lists what is`,
    meta: { path },
  });

const missingBody = () =>
  new InvitekitError({
    code: 'malformed_request_body',
    message: 'missing request body',
    longMessage: 'This endpoint takes a JSON body sent with Content-Type: application/json',
  });

/** The framework-free request handler over the route table. It never rejects. */
export function createHandler({
  routes,
  context,
  secretKeys,
  authenticate,
  identify,
  onUnexpectedError,
  onUnavailable,
  limitPerClient,
  idempotency,
}: HandlerOptions): Handle {
  const router = new Router(routes);
  return async (request) => {
    try {
      const match = router.match(request.method.toUpperCase(), request.path);
      if (!match) throw notServed(request.method, request.path);
      if ('allowed' in match) {
        const allow = [...new Set(match.allowed)].join(', ');
        const err = new InvitekitError({
          code: 'method_not_allowed',
          message: 'method not allowed',
          longMessage: `${request.method} is not served here; use ${allow}`,
        });
        const response = toErrorResponse(err);
        return { ...response, headers: { ...response.headers, allow } };
      }
      const { route, params } = match;
      if (route.limitedPerClient) await limitPerClient?.(request);
      if (route.auth === 'secret') secretKeys.verify(request.headers.authorization);
      checkRequestInput({ path: params, query: request.query, body: route.body ? request.body : undefined });
      let user: AuthenticatedUser | null = null;
      if (route.auth === 'user') {
        user = authenticate ? await authenticate(request) : null;
        if (!user) throw notSignedIn();
        checkAuthenticatedUser(user);
        if (!route.identifiesUser) await identify?.(user);
      }

      // The key is checked once the caller is known, and claimed only once the input is valid: a request
      // refused before its handler runs stores nothing.
      const idempotent = idempotency?.prepare(request, route.auth, user) ?? null;

      let body = request.body;
      if (route.body && (body === undefined || body === null || body === '')) {
        if (!route.bodyOptional) throw missingBody();
        body = {};
      }
      const input = {
        params: route.params ? parse(route.params, params, 'path') : params,
        query: route.query ? parse(route.query, normalizeQuery(request.query), 'query') : {},
        body: route.body ? parse(route.body, body, 'body') : undefined,
        user,
      };
      const invoke = async () => {
        try {
          const result = await route.handler(input, context);
          return result instanceof StatusResult
            ? jsonResponse(result.status, result.body)
            : jsonResponse(route.successStatus ?? 200, result);
        } catch (err) {
          return toErrorResponse(err, (e) => onUnexpectedError?.(e, request), onUnavailable);
        }
      };
      return idempotent && idempotency ? await idempotency.run(idempotent, invoke) : await invoke();
    } catch (err) {
      return toErrorResponse(err, (e) => onUnexpectedError?.(e, request), onUnavailable);
    }
  };
}
