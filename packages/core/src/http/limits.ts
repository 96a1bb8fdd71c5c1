import type { KeyedRateLimiter } from '../services/limits.js';
import type { InvitekitRequest } from './types.js';

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);

/**
 * The client's address. With no trusted proxy it is the connection's address, as the adapter passed it in
 * `remoteAddress`. With `trustedProxies` = n, the n nearest hops are proxies of the host's own: the address
 * n hops back along `X-Forwarded-For` (the right-most entries are the ones those proxies appended), as
 * Express's `trust proxy` = n reads it. Entries further left are the client's to invent, so never trusted.
 */
export function clientAddress(request: InvitekitRequest, trustedProxies: number): string {
  const socket = request.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0) return socket;
  const forwarded = (header(request.headers['x-forwarded-for']) ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .reverse();
  const hops = [socket, ...forwarded];
  return hops[Math.min(trustedProxies, hops.length - 1)]!;
}

/** Counts a request against a per-client limiter, keyed by the client's address (429 when used up). */
export function limitPerClient(limiter: KeyedRateLimiter, trustedProxies: number) {
  return async (request: InvitekitRequest): Promise<void> => {
    const address = clientAddress(request, trustedProxies);
    await limiter.consume(
      address,
      `Too many invitation token requests from ${address}; wait before trying again`,
    );
  };
}
