// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { expect, test } from 'vitest';

// Server rendering: no window, no document. Importing the package and rendering its hooks must work,
// and nothing is fetched while rendering (queries start in the browser).

test('imports and renders on a server without window or fetching', async () => {
  expect(typeof window).toBe('undefined');
  const calls: string[] = [];
  const { InvitekitProvider, useInvitation, useOrgInvitations } = await import('../src/index.js');
  function Page() {
    const list = useOrgInvitations('org_1');
    const invitation = useInvitation('token');
    return (
      <p>
        {list.isLoading ? 'loading' : 'ready'} {invitation.state}
      </p>
    );
  }
  const html = renderToString(
    <InvitekitProvider
      baseUrl="http://invitekit.invalid"
      fetch={async (url) => {
        calls.push(url);
        throw new Error('no fetching during server rendering');
      }}
    >
      <Page />
    </InvitekitProvider>,
  );
  expect(html).toContain('loading');
  expect(calls).toEqual([]);
});
