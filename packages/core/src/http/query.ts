import type { InvitekitRequest } from './types.js';

type Query = InvitekitRequest['query'];

/**
 * Folds the bracket form of a repeated parameter into the plain one: `status[]=a&status[]=b` (PHP/Rails
 * style, which some generated clients send for arrays) reads as `status=a&status=b`. Adapters whose query
 * parser already folds it (Express 4's `qs`) hand over an array, which passes through unchanged.
 */
export function normalizeQuery(query: Query | undefined): Query {
  if (!query) return {};
  let out: Query | undefined;
  for (const [key, value] of Object.entries(query)) {
    if (!key.endsWith('[]') || value === undefined) continue;
    out ??= { ...query };
    const name = key.slice(0, -2);
    const merged = [out[name], value].flat().filter((v): v is string => typeof v === 'string');
    out[name] = merged;
    delete out[key];
  }
  return out ?? query;
}
