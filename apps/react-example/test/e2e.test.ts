import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_ADMIN, type RunningDemo, startDemo } from '../scripts/demo.js';

// The whole flow in a real browser (Debian's chromium through playwright-core): the admin invites an
// address, the test reads the link from the development mailbox, the invitee opens it, signs in,
// accepts, and sees themselves on the members page. A screenshot lands in test-results/.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const appDir = fileURLToPath(new URL('..', import.meta.url));
const results = join(appDir, 'test-results');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  // In CI a missing browser is a failure, never a skip (.ci/run installs it).
  throw new Error(`Chromium not found at ${CHROMIUM}; install it (apt-get install -y chromium).`);
}

describe.skipIf(!haveChromium)('react-example in Chromium', () => {
  let work: string;
  let demo: RunningDemo;
  let browser: Browser;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'invitekit-e2e-'));
    await build({ root: appDir, logLevel: 'warn', build: { outDir: join(work, 'dist'), emptyOutDir: true } });
    demo = await startDemo({
      port: 0,
      dataDir: join(work, 'data'),
      staticDir: join(work, 'dist'),
      log: () => {},
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Playwright gives every launch a fresh temporary profile (user data dir).
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-quic',
        '--no-first-run',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function signIn(page: Page, email: string) {
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: email }).waitFor();
  }

  /** The accept link of the newest email to `to`, once the dispatcher has sent it. */
  async function linkFor(to: string): Promise<string> {
    for (;;) {
      const res = await fetch(`${demo.url}/dev/mailbox.json`);
      expect(res.status).toBe(200);
      const messages = (await res.json()) as { to: string; subject: string; link: string | null }[];
      const message = messages.find((m) => m.to.includes(to));
      if (message?.link) return message.link;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** On failure, what each page showed, next to the screenshot of success. */
  async function onFailure(pages: Page[], error: unknown): Promise<never> {
    mkdirSync(results, { recursive: true });
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: join(results, `e2e-failure-${i}.png`), fullPage: true }).catch(() => {});
    }
    throw error;
  }

  test('invite, read the email, accept as the invitee, see the new member', async () => {
    const pages: Page[] = [];
    await flow(pages).catch((error: unknown) => onFailure(pages, error));
  }, 120_000);

  test('an admin shares a join link, a second person joins through it, the admin sees the member', async () => {
    const pages: Page[] = [];
    await joinLinkFlow(pages).catch((error: unknown) => onFailure(pages, error));
  }, 120_000);

  async function joinLinkFlow(pages: Page[]) {
    const joiner = `carol-${Date.now()}@example.test`;
    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    pages.push(adminPage);
    await adminPage.goto(demo.url);
    await signIn(adminPage, DEMO_ADMIN.email);
    await adminPage.getByRole('heading', { name: 'Share a link' }).waitFor();
    await adminPage.getByLabel('Maximum uses').fill('5');
    await adminPage.getByRole('button', { name: 'Create link' }).click();
    const urlField = adminPage.getByTestId('join-link-url');
    await urlField.waitFor();
    const link = await urlField.inputValue();
    expect(link).toContain(`${demo.url}/accept?join_token=`);

    // The second person opens the link in another browser profile, signs in and joins.
    const guest = await browser.newContext();
    const page = await guest.newPage();
    pages.push(page);
    await page.goto(link);
    await page.getByRole('heading', { name: /Join Acme/ }).waitFor();
    await signIn(page, joiner);
    await page.getByRole('button', { name: `Join as ${joiner}` }).click();
    await page.getByRole('status').filter({ hasText: 'You joined Acme' }).waitFor();

    // The admin sees the new member, and the link's use.
    await adminPage.reload();
    await adminPage.getByTestId('members').getByText(joiner).waitFor();
    await adminPage.getByTestId('join-links').getByText('1 of 5 used').waitFor();
    mkdirSync(results, { recursive: true });
    await adminPage.screenshot({ path: join(results, 'e2e-join-link.png'), fullPage: true });
    await admin.close();
    await guest.close();
  }

  test('an admin imports a CSV file, watches its progress, pages its results and downloads them', async () => {
    const pages: Page[] = [];
    await importFlow(pages).catch((error: unknown) => onFailure(pages, error));
  }, 120_000);

  async function importFlow(pages: Page[]) {
    const stamp = Date.now();
    // 45 new addresses, the admin's own (a member), one repeated, one invalid: 48 rows, 3 result pages.
    const fresh = Array.from({ length: 45 }, (_, i) => `imp${i}-${stamp}@example.test`);
    const csv = [
      '\uFEFFEmail,Role,Locale',
      ...fresh.map((email, i) => `${email},${i % 10 === 0 ? 'org:admin' : ''},${i % 2 ? 'pt-BR' : ''}`),
      `${DEMO_ADMIN.email},org:member,`,
      `${fresh[0]!.toUpperCase()},org:member,`,
      '"not an address",org:member,',
    ].join('\r\n');
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    pages.push(page);
    await page.goto(demo.url);
    await signIn(page, DEMO_ADMIN.email);
    await page.getByRole('heading', { name: 'Import invitations' }).waitFor();
    await page.getByLabel('CSV file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByTestId('import-progress').filter({ hasText: '48 / 48 rows — done' }).waitFor();
    expect(await page.getByLabel('Import progress').getAttribute('value')).toBe('100');
    const counts = await page.getByTestId('import-counts').textContent();
    expect(counts).toContain('created: 45');
    expect(counts).toContain('already member: 1');
    expect(counts).toContain('duplicate: 1');
    expect(counts).toContain('invalid: 1');
    // The new invitations reach the pending list without a reload.
    await page.getByTestId('pending').getByText(fresh[44]!).waitFor();

    const table = page.getByTestId('import-results');
    await table.getByText(fresh[0]!, { exact: true }).waitFor();
    const section = page.locator('section', {
      has: page.getByRole('heading', { name: 'Import invitations' }),
    });
    await section.getByRole('button', { name: 'Next' }).click();
    await section.getByRole('button', { name: 'Next' }).click();
    await section.getByText('Page 3 of 3').waitFor();
    await table.getByRole('cell', { name: 'not an address', exact: true }).waitFor();
    await table.getByText('Same address as row 1').waitFor();
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: join(results, 'e2e-import.png'), fullPage: true });

    await page.getByRole('button', { name: 'Prepare results download' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download results (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('import-results.csv');
    const saved = join(work, 'import-results.csv');
    await download.saveAs(saved);
    const lines = readFileSync(saved, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('row,email_address,role,locale,result,reason,invitation_id');
    expect(lines).toHaveLength(49);
    expect(lines[2]).toMatch(new RegExp(`^2,imp1-${stamp}@example\\.test,org:member,pt-BR,created,,orginv_`));
    expect(lines[48]).toMatch(/^48,not an address,,,invalid,/);
    await context.close();
  }

  async function flow(pages: Page[]) {
    const invitee = `bob-${Date.now()}@example.test`;

    // The admin invites one address and sees it pending.
    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    pages.push(adminPage);
    await adminPage.goto(demo.url);
    await signIn(adminPage, DEMO_ADMIN.email);
    await adminPage.getByRole('heading', { name: /Acme/ }).waitFor();
    await adminPage.getByLabel('Email addresses').fill(invitee);
    await adminPage.getByRole('button', { name: 'Send invitation' }).click();
    await adminPage
      .getByRole('status')
      .filter({ hasText: `Invitation sent to ${invitee}` })
      .waitFor();
    await adminPage.getByTestId('pending').getByText(invitee).waitFor();

    // The email's link opens the accept page in another browser profile.
    const link = await linkFor(invitee);
    expect(link).toContain(`${demo.url}/accept?invitation_token=`);
    const guest = await browser.newContext();
    const page = await guest.newPage();
    pages.push(page);
    await page.goto(link);
    await page.getByRole('heading', { name: /Join Acme/ }).waitFor();
    await signIn(page, invitee);
    await page.getByRole('button', { name: `Accept as ${invitee}` }).click();
    await page.getByRole('status').filter({ hasText: 'You joined Acme' }).waitFor();

    // The new member is on the members page.
    await page.getByRole('link', { name: 'Go to the members page' }).click();
    await page.getByTestId('members').getByText(invitee).waitFor();
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: join(results, 'e2e-members.png'), fullPage: true });

    // And the admin's pending list no longer shows the invitation.
    await adminPage.reload();
    await adminPage.getByTestId('members').getByText(invitee).waitFor();
    expect(await adminPage.getByTestId('pending').getByText(invitee).count()).toBe(0);
    await admin.close();
    await guest.close();
  }
});
