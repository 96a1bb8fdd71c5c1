import { existsSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { OrganizationInvitationEmailVars } from '@invitekit/core';
import { pino } from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertClerkErrors } from '../../../test/support/contract.js';
import { waitFor } from '../../../test/support/smtp.js';
import { isLoopbackAddress, isLoopbackHost } from '../src/dev-mailbox.js';
import { type RunningServer, startServer } from '../src/server.js';
import { SECRET_KEY } from './harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(`Chromium not found at ${CHROMIUM}; install it (apt-get install -y chromium).`);
}

/** An address of this machine that is not loopback (eth0's), to call the server as another host would. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** A GET with full control of the Host header and the local address. */
function get(url: string, headers: Record<string, string> = {}, localAddress?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { headers, localAddress }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** A template whose HTML tries to run a script and to read its parent; none of it may work. */
function hostileTemplate(vars: OrganizationInvitationEmailVars) {
  return {
    subject: `Join ${vars.organization.name}`,
    text: `Join: ${vars.link}`,
    html: `<h1 id="headline" style="color: rgb(200, 0, 0)">Rendered email for ${vars.emailAddress}</h1>
<p><a id="join" href="${vars.link}">Accept the invitation</a></p>
<img src="https://tracker.example.invalid/pixel.gif" alt="">
<script>document.body.setAttribute('data-script-ran', 'yes'); try { parent.document.title = 'pwned'; } catch (e) {}</script>`,
  };
}

describe('the development mailbox', () => {
  let running: RunningServer;
  let port: number;
  let base: string;

  beforeAll(async () => {
    running = await startServer(
      {
        port: 0,
        host: '0.0.0.0',
        devMailbox: true,
        invitekit: {
          database: { dataDir: 'memory://' },
          secretKeys: [SECRET_KEY],
          acceptUrl: 'http://localhost:5173/accept',
          email: { templates: { organizationInvitation: hostileTemplate } },
          delivery: { pollIntervalMs: 50 },
        },
      },
      pino({ level: 'silent' }),
    );
    port = (running.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    const call = async (path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { id: string };
    };
    const org = await call('/v1/organizations', { name: 'Mailbox Co' });
    await call(`/v1/organizations/${org.id}/invitations`, {
      email_address: 'reader@example.com',
      role: 'org:member',
    });
    await waitFor('the kept email', () => running.invitekit.devMailer!.messages()[0]);
  });
  afterAll(() => running?.stop());

  it('sends no CORS header, and the security headers, on the JSON and the page', async () => {
    for (const path of ['/dev/mailbox.json', '/dev/mailbox']) {
      const res = await get(`${base}${path}`, { origin: 'https://evil.example' });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/(^|; )default-src 'none'(;|$)/);
      expect(csp).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    }
    const page = await get(`${base}/dev/mailbox`);
    expect(page.headers['content-security-policy']).toMatch(/base-uri 'none'/);
    expect(page.headers['content-security-policy']).not.toMatch(/script-src/);
  });

  it('answers 403 (ClerkErrors) to a Host that is not loopback, as a DNS-rebinding page would send', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, '192.0.2.55', 'localhost.evil.example']) {
      const res = await get(`${base}/dev/mailbox.json`, { host });
      expect([host, res.status]).toEqual([host, 403]);
      const body = JSON.parse(res.body);
      assertClerkErrors(body);
      expect(body.errors[0]?.code).toBe('authorization_invalid');
      expect(res.body).not.toContain('invitation_token');
    }
    expect((await get(`${base}/dev/mailbox.json`, { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(`${base}/dev/mailbox`, { host: `app.localhost:${port}` })).status).toBe(200);
  });

  it.skipIf(!outsideAddress)(
    'answers 403 to a client on another address, whatever its Host header',
    async () => {
      for (const path of ['/dev/mailbox.json', '/dev/mailbox']) {
        const res = await get(
          `http://${outsideAddress}:${port}${path}`,
          { host: `localhost:${port}` },
          outsideAddress,
        );
        expect(res.status).toBe(403);
        expect(JSON.parse(res.body).errors[0].code).toBe('authorization_invalid');
      }
      // The API itself still answers there: only the mailbox is local.
      const api = await get(`http://${outsideAddress}:${port}/healthz`, {}, outsideAddress);
      expect(api.status).toBe(200);
    },
  );

  it('tells loopback peers and hosts apart', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['192.0.2.1', '::ffff:10.0.0.1', 'fe80::1', undefined, ''].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(
      ['localhost', 'localhost:3000', 'a.localhost', '127.0.0.1:1', '[::1]:3000'].map(isLoopbackHost),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['localhost.evil.com', 'evil.com', '0.0.0.0', '10.0.0.1', '', undefined, '@'].map(isLoopbackHost),
    ).toEqual([false, false, false, false, false, false, false]);
  });

  describe.skipIf(!haveChromium)('in Chromium', () => {
    let browser: Browser;
    let evil: Server;
    let evilUrl: string;

    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--disable-sync',
        ],
      });
      // Another origin (another port on this machine): a page the developer happens to open.
      evil = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>');
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => evil?.close(resolve));
    });

    it('renders the HTML email in a sandboxed frame where its script does not run', async () => {
      const page = await browser.newPage();
      const blocked: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') blocked.push(m.text());
      });
      await page.goto(`http://localhost:${port}/dev/mailbox`);
      const frame = page.frameLocator('iframe').first();
      await expect
        .poll(() => frame.locator('#headline').textContent())
        .toBe('Rendered email for reader@example.com');
      // Its inline style applies; its link goes to the accept page, in a new tab.
      expect(
        await frame.locator('#headline').evaluate((h) => {
          const view = globalThis as unknown as { getComputedStyle(e: unknown): { color: string } };
          return view.getComputedStyle(h).color;
        }),
      ).toBe('rgb(200, 0, 0)');
      expect(await frame.locator('#join').getAttribute('href')).toMatch(
        /^http:\/\/localhost:5173\/accept\?invitation_token=/,
      );
      // The script ran neither in the frame nor against the page.
      expect(await frame.locator('body').getAttribute('data-script-ran')).toBeNull();
      expect(await page.title()).toBe('Invitekit dev mailbox');
      expect(await page.locator('iframe').first().getAttribute('sandbox')).toBe(
        'allow-popups allow-popups-to-escape-sandbox',
      );
      await page.close();
    });

    it('a page on another origin cannot read the mailbox', async () => {
      const page = await browser.newPage();
      await page.goto(evilUrl);
      const outcome = await page.evaluate(async (url) => {
        try {
          const res = await fetch(url);
          return `read ${res.status}: ${(await res.text()).slice(0, 40)}`;
        } catch (err) {
          return `blocked: ${(err as Error).name}`;
        }
      }, `http://127.0.0.1:${port}/dev/mailbox.json`);
      expect(outcome).toBe('blocked: TypeError');
      await page.close();
    });
  });
});
