import { InvitekitError } from '../domain/errors.js';
import { findUnstorable, type Unstorable, unstorableMessage } from '../domain/storable.js';
import { paramName } from './errors.js';
import type { AuthenticatedUser } from './types.js';

/**
 * How deep a request body or query may nest. Deeper than any valid body (a bulk array, an item, its
 * metadata at METADATA_MAX_DEPTH), shallow enough for every recursive routine that runs later.
 */
export const REQUEST_MAX_DEPTH = 64;

type Location = 'path' | 'query' | 'body';

/** For depth, the field the nesting starts in (`public_metadata`, `[2].public_metadata`), not the whole chain. */
const fieldOf = (path: (string | number)[]) => {
  const key = path.findIndex((p) => typeof p === 'string');
  return key < 0 ? path.slice(0, 1) : path.slice(0, key + 1);
};

function refusal(found: Unstorable, where: Location): InvitekitError {
  const name = paramName(found.reason === 'depth' ? fieldOf(found.path) : found.path) || where;
  return new InvitekitError({
    code: found.reason === 'depth' ? 'form_param_exceeds_allowed_size' : 'form_param_format_invalid',
    message: 'is invalid',
    longMessage: `${name} ${unstorableMessage(found.reason, REQUEST_MAX_DEPTH)}`,
    meta: { param_name: name, location: where },
  });
}

/**
 * Refuses, at the edge and for every route at once, what PostgreSQL cannot store (U+0000, a lone
 * surrogate) wherever it appears in path parameters, the query string or the body, keys included, and
 * input nested deeper than REQUEST_MAX_DEPTH. Answers 422 with the parameter's name.
 */
export function checkRequestInput(parts: { path: unknown; query: unknown; body?: unknown }): void {
  for (const where of ['path', 'query', 'body'] as const) {
    const found = findUnstorable(parts[where], REQUEST_MAX_DEPTH);
    if (found) throw refusal(found, where);
  }
}

/**
 * The person an `authenticate` hook resolved (from a session token's claims) must be storable too: a
 * session that names someone who cannot be written to the directory identifies no one (401).
 */
export function checkAuthenticatedUser(user: AuthenticatedUser): void {
  const { id, emailAddresses, firstName, lastName } = user;
  const found = findUnstorable({ id, emailAddresses, firstName, lastName }, 4);
  if (!found) return;
  throw new InvitekitError({
    code: 'authentication_invalid',
    message: 'authentication invalid',
    longMessage: `The session names a user whose ${paramName(found.path)} ${unstorableMessage(found.reason, 4)}`,
  });
}
