// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { expect, test } from 'vitest';
import { InvitekitProvider, useInvitation, useOrgInvitations } from '../src/index.js';

// Server rendering: no window, no document. Importing the package (above) and rendering its hooks must
// work, and nothing is fetched while rendering (queries start in the browser).

function Page() {
  const list = useOrgInvitations('org_1');
  const invitation = useInvitation('token');
  return (
    <p>
      {list.data.length} invitations, {invitation.state}
    </p>
  );
}

test('imports and renders on a server without window or fetching', () => {
  expect(typeof window).toBe('undefined');
  const calls: string[] = [];
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
  expect(html.replaceAll('<!-- -->', '')).toContain('0 invitations, loading');
  expect(calls).toEqual([]);
});
