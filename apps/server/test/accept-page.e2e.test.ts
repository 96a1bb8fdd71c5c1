import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consoleErrors, haveChromium, launchChromium, screenshot } from './browser.js';
import { linkFromMailbox, type StartedFromEnv, seedAcme, startFromEnv } from './zero-config.js';

// The hosted accept page in a real browser. The zero-config server (no settings at all) shows the whole
// flow with the development sign-in; a production-mode server takes the host's session cookie, sends
// people without one to the host's sign-in page and back, and then on to the invitation's redirect_url.
// Screenshots land in apps/server/test-results/.

async function devSignIn(page: Page, email: string) {
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Sign in (development)' }).click();
  await page.getByTestId('signed-in-as').filter({ hasText: email }).waitFor();
}

describe.skipIf(!haveChromium)('accept page in Chromium, zero-config server', () => {
  let server: StartedFromEnv;
  let browser: Browser;

  beforeAll(async () => {
    server = await startFromEnv({}, { onDisk: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('create, read the email, open the link, wrong account, sign in, accept, membership', async () => {
    const { adaId, orgId } = await seedAcme(server);
    const bob = `bob-${Date.now()}@example.com`;
    const created = await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: bob,
      role: 'org:member',
      inviter_user_id: adaId,
    });
    expect(created.status).toBe(200);

    const link = await linkFromMailbox(server.url, bob);
    const port = new URL(server.url).port;
    expect(link).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${port}/accept-invitation\\?invitation_token=orginv_`),
    );

    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = consoleErrors(page);
    const response = await page.goto(link);
    expect(response!.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['referrer-policy']).toBe('no-referrer');

    // The preview: organization, inviter, role, masked address, expiry.
    await page.getByRole('heading', { name: 'Join Acme' }).waitFor();
    const facts = page.locator('dl');
    await expect.poll(() => facts.textContent()).toContain('Ada Lovelace');
    const text = (await facts.textContent())!;
    expect(text).toContain('Member');
    expect(text).toContain('b***@example.com');
    expect(text).toMatch(/Expires.*20\d\d/);
    // The stylesheet loaded (a styled button), under the page's CSP.
    const background = await page
      .getByRole('button', { name: 'Sign in (development)' })
      .evaluate((b) => b.ownerDocument.defaultView!.getComputedStyle(b).borderRadius);
    expect(background).not.toBe('0px');
    await screenshot(page, 'accept-page-preview');

    // Opening it again changes nothing: GET never uses the link.
    await page.reload();
    await page.getByRole('heading', { name: 'Join Acme' }).waitFor();

    // The wrong account: told so, no accept button, and the invitation stays open.
    await devSignIn(page, 'eve@example.com');
    await page.getByRole('alert').filter({ hasText: 'This invitation is for another account' }).waitFor();
    expect(await page.getByRole('button', { name: 'Accept invitation' }).count()).toBe(0);
    await screenshot(page, 'accept-page-wrong-account');
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The right account accepts.
    await devSignIn(page, bob);
    await page.getByRole('button', { name: 'Accept invitation' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'You joined Acme' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'You are now a member of Acme as Member.' }).waitFor();
    await screenshot(page, 'accept-page-accepted');

    const members = await server.api('GET', `/v1/organizations/${orgId}/memberships`);
    const bobs = members.body.data.filter(
      (m: { public_user_data: { identifier: string } }) => m.public_user_data.identifier === bob,
    );
    expect(bobs).toHaveLength(1);
    expect(bobs[0].role).toBe('org:member');

    // The link is used up now.
    await page.goto(link);
    await page.getByRole('heading', { name: 'Invitation already accepted' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  test('decline, revoked, invalid, and an application invitation', async () => {
    const { adaId, orgId } = await seedAcme(server, 'Globex & <Co>');
    const carol = `carol-${Date.now()}@example.com`;
    await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: carol,
      role: 'org:admin',
      inviter_user_id: adaId,
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = consoleErrors(page);
    await page.goto(await linkFromMailbox(server.url, carol));
    // Names are escaped, not interpreted.
    await page.getByRole('heading', { name: 'Join Globex & <Co>' }).waitFor();
    await devSignIn(page, carol);
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.getByRole('heading', { name: 'Invitation declined' }).waitFor();
    const list = await server.api('GET', `/v1/organizations/${orgId}/invitations?status=revoked`);
    expect(list.body.data.map((i: { email_address: string }) => i.email_address)).toContain(carol);

    // A revoked invitation, and a link that was tampered with.
    const dan = `dan-${Date.now()}@example.com`;
    const revokedInvitation = await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: dan,
      role: 'org:member',
    });
    const danLink = await linkFromMailbox(server.url, dan);
    await server.api(
      'POST',
      `/v1/organizations/${orgId}/invitations/${revokedInvitation.body.id}/revoke`,
      {},
    );
    await page.goto(danLink);
    await page.getByRole('heading', { name: 'This invitation is no longer valid' }).waitFor();
    await page.goto(
      `${server.url}/accept-invitation?invitation_token=orginv_01M8NNXXXXXXXXXXXXXXXXXXXX.forged`,
    );
    await page.getByRole('heading', { name: 'This invitation link is not valid' }).waitFor();
    await screenshot(page, 'accept-page-invalid');

    // An application invitation: accepted by its address, no organization involved.
    const erin = `erin-${Date.now()}@example.com`;
    expect((await server.api('POST', '/v1/invitations', { email_address: erin })).status).toBe(200);
    await page.goto(await linkFromMailbox(server.url, erin));
    await page.getByRole('heading', { name: 'Join the application' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'This invitation is for another account' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await devSignIn(page, erin);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.getByRole('heading', { name: 'You joined the application' }).waitFor();
    const apps = await server.api('GET', `/v1/invitations?status=accepted`);
    const accepted = Array.isArray(apps.body) ? apps.body : apps.body.data;
    expect(accepted.map((i: { email_address: string }) => i.email_address)).toContain(erin);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});

describe.skipIf(!haveChromium)('accept page in Chromium, host session cookie (production)', () => {
  const JWT_SECRET = 'host-jwt-secret-0123456789abcdef';
  let host: Server;
  let hostUrl: string;
  let server: StartedFromEnv;
  let browser: Browser;

  beforeAll(async () => {
    // The host application: a sign-in page that sets its session JWT in `__session` and goes back, and a
    // landing page for redirect_url. Its cookie is for 127.0.0.1, which the accept page (another port) reads.
    host = createServer(async (req, res) => {
      const url = new URL(req.url!, 'http://host');
      if (url.pathname === '/sign-in' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><title>Host sign-in</title><h1>Host sign-in</h1>
<form method="post" action="/sign-in?${url.searchParams}"><label>Work email <input name="email"></label>
<button>Continue</button></form>`);
        return;
      }
      if (url.pathname === '/sign-in' && req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const email = new URLSearchParams(body).get('email')!;
        const jwt = await new SignJWT({ email, email_verified: true })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(`user_host_${email.split('@')[0]}`)
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(JWT_SECRET));
        res.writeHead(303, {
          'set-cookie': `__session=${jwt}; Path=/; HttpOnly; SameSite=Lax`,
          location: url.searchParams.get('redirect_url')!,
        });
        res.end();
        return;
      }
      if (url.pathname === '/welcome') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>Welcome</title><h1>Welcome to the host app</h1>');
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    server = await startFromEnv({
      NODE_ENV: 'production',
      INVITEKIT_SECRET_KEY: 'sk_test_cookie_mode',
      INVITEKIT_JWT_SECRET: JWT_SECRET,
      INVITEKIT_SIGN_IN_URL: `${hostUrl}/sign-in`,
      INVITEKIT_REDIRECT_ORIGINS: hostUrl,
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => host?.close(resolve));
  });

  test('no session: to the host sign-in and back; accept; on to redirect_url', async () => {
    const { adaId, orgId } = await seedAcme(server, 'Initech');
    const frank = `frank-${Date.now()}@example.com`;
    const created = await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: frank,
      role: 'org:member',
      inviter_user_id: adaId,
      redirect_url: `${hostUrl}/welcome`,
    });
    expect(created.status).toBe(200);
    // The link opens the hosted page; redirect_url is where accepting leads.
    const link = created.body.url as string;
    expect(link.startsWith(`${server.url}/accept-invitation?invitation_token=`)).toBe(true);

    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = consoleErrors(page);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Join Initech' }).waitFor();
    // Production: no development sign-in, a way to the host's sign-in page that comes back here.
    expect(await page.getByText('Development only').count()).toBe(0);
    const signIn = page.getByRole('link', { name: 'Sign in to accept' });
    const href = new URL((await signIn.getAttribute('href'))!);
    expect(`${href.origin}${href.pathname}`).toBe(`${hostUrl}/sign-in`);
    expect(href.searchParams.get('redirect_url')).toBe(link);
    await signIn.click();

    // A session for another person first: the page says so and keeps the invitation open.
    await page.getByLabel('Work email').fill('mallory@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').filter({ hasText: 'This invitation is for another account' }).waitFor();
    await screenshot(page, 'accept-page-cookie-wrong-account');
    await page.getByRole('link', { name: 'Sign in with another account' }).click();
    await page.getByLabel('Work email').fill(frank);
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByTestId('signed-in-as').filter({ hasText: frank }).waitFor();
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.getByRole('heading', { name: 'Welcome to the host app' }).waitFor();
    expect(page.url()).toBe(`${hostUrl}/welcome`);
    await screenshot(page, 'accept-page-cookie-redirected');

    const members = await server.api('GET', `/v1/organizations/${orgId}/memberships`);
    expect(
      members.body.data.some(
        (m: { public_user_data: { user_id: string } }) => m.public_user_data.user_id === 'user_host_frank',
      ) ||
        members.body.data.some(
          (m: { public_user_data: { identifier: string } }) => m.public_user_data.identifier === frank,
        ),
    ).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
