import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consoleErrors, haveChromium, launchChromium, screenshot } from './browser.js';
import { type StartedFromEnv, seedAcme, startFromEnv } from './zero-config.js';

// A join link on the hosted accept page in a real browser (zero-config server, development sign-in): the
// page shows the offer, the visitor signs in, joins, and is a member. Screenshot in test-results/.

describe.skipIf(!haveChromium)('hosted accept page: join link in Chromium', () => {
  let server: StartedFromEnv;
  let browser: Browser;

  beforeAll(async () => {
    server = await startFromEnv();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('open the link, sign in, join, and the person is a member', async () => {
    const { adaId, orgId } = await seedAcme(server);
    const created = await server.api('POST', `/v1/organizations/${orgId}/join_links`, {
      role: 'org:member',
      created_by: adaId,
      max_uses: 5,
    });
    expect(created.status).toBe(200);
    const email = `linker-${Date.now()}@example.com`;
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = consoleErrors(page);
    try {
      await page.goto(created.body.url);
      await page.getByRole('heading', { name: 'Join Acme' }).waitFor();
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Sign in (development)' }).click();
      await page.getByTestId('signed-in-as').filter({ hasText: email }).waitFor();
      await page.getByRole('button', { name: 'Join', exact: true }).click();
      await page.getByRole('heading', { name: 'You joined Acme' }).waitFor();
      await screenshot(page, 'accept-page-join-link');
    } catch (err) {
      await screenshot(page, 'accept-page-join-link-failure');
      throw err;
    }
    expect(errors).toEqual([]);

    const members = await server.api('GET', `/v1/organizations/${orgId}/memberships?limit=100`);
    expect(members.body.data.map((m: any) => m.public_user_data.identifier)).toContain(email);
    const link = await server.api('GET', `/v1/organizations/${orgId}/join_links/${created.body.id}`);
    expect(link.body.uses_count).toBe(1);
    await context.close();
  });
});
