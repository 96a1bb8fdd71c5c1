'use client';

import { createFrontendClient, type FetchLike, type FrontendClient } from '@invitekit/client';
import { QueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef } from 'react';

export interface InvitekitProviderProps {
  /** Where Invitekit is mounted, e.g. `https://api.example.com` or `''` for the page's own origin. */
  baseUrl: string;
  /** The signed-in user's session token (a JWT your identity provider issues); `null` when signed out. */
  getToken?: () => Promise<string | null | undefined> | string | null | undefined;
  /** A fetch to use instead of the global one. */
  fetch?: FetchLike;
  /** Your app's TanStack QueryClient; without one, the provider creates its own. */
  queryClient?: QueryClient;
  /** Prefix of the Frontend API under `baseUrl` (default `/frontend/v1`). */
  frontendPath?: string;
  /**
   * Identifies the signed-in user in cache keys (e.g. their user id), so switching accounts never shows
   * the previous user's cached invitations.
   */
  sessionKey?: string | null;
  children?: ReactNode;
}

export interface InvitekitContextValue {
  client: FrontendClient;
  queryClient: QueryClient;
  /** The first elements of every Invitekit query key under this provider. */
  scope: readonly ['invitekit', string, string];
}

const InvitekitContext = createContext<InvitekitContextValue | null>(null);

/**
 * Makes the Invitekit client available to the hooks below it. Hooks pass the QueryClient to TanStack
 * Query directly, so the provider never shadows a QueryClientProvider of your own.
 */
export function InvitekitProvider(props: InvitekitProviderProps) {
  const { baseUrl, fetch, frontendPath, sessionKey } = props;
  // The latest getToken is read when a request is sent, so an inline arrow function costs nothing.
  const getToken = useRef(props.getToken);
  getToken.current = props.getToken;
  const own = useRef<QueryClient | null>(null);
  if (!props.queryClient && !own.current) own.current = new QueryClient();
  const queryClient = props.queryClient ?? (own.current as QueryClient);

  useEffect(() => {
    queryClient.mount();
    return () => queryClient.unmount();
  }, [queryClient]);

  const value = useMemo<InvitekitContextValue>(
    () => ({
      client: createFrontendClient({ baseUrl, fetch, frontendPath, getToken: () => getToken.current?.() }),
      queryClient,
      scope: ['invitekit', baseUrl, sessionKey ?? ''],
    }),
    [baseUrl, fetch, frontendPath, queryClient, sessionKey],
  );
  return <InvitekitContext.Provider value={value}>{props.children}</InvitekitContext.Provider>;
}

/** The provider's client, QueryClient and cache scope. Throws outside an InvitekitProvider. */
export function useInvitekit(): InvitekitContextValue {
  const value = useContext(InvitekitContext);
  if (!value) {
    throw new Error(
      'Invitekit hooks must be used inside <InvitekitProvider baseUrl="..."> (see @invitekit/react README).',
    );
  }
  return value;
}

/** The typed Frontend API client of the nearest InvitekitProvider. Throws outside one. */
export function useInvitekitClient(): FrontendClient {
  return useInvitekit().client;
}
