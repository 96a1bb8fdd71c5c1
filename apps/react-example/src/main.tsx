import { InvitekitProvider } from '@invitekit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { getToken, useSession } from './session.js';
import './styles.css';

const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 5_000 } } });

function Root() {
  const session = useSession();
  return (
    // One QueryClient for the app's own queries (the members list) and Invitekit's hooks.
    <QueryClientProvider client={queryClient}>
      <InvitekitProvider
        baseUrl=""
        getToken={getToken}
        queryClient={queryClient}
        sessionKey={session?.user.id}
      >
        <App />
      </InvitekitProvider>
    </QueryClientProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
