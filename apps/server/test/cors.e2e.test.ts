import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { haveChromium, launchChromium } from './browser.js';
import { type StartedFromEnv, seedAcme, startFromEnv } from './zero-config.js';

// A page on one origin calls the Frontend API of a server on another (two ports), as a React app with
// `baseUrl: 'https://api.example.com'` does: preflights answered, the bearer token allowed, the answer
// readable. A page on an origin not in INVITEKIT_CORS_ORIGINS is blocked by the browser.

const JWT_SECRET = 'cors-jwt-secret-0123456789abcdef';

async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>host app</title><h1>Host app</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!haveChromium)('Frontend API CORS in Chromium', () => {
  let allowed: Awaited<ReturnType<typeof pageServer>>;
  let other: Awaited<ReturnType<typeof pageServer>>;
  let api: StartedFromEnv;
  let browser: Browser;

  beforeAll(async () => {
    allowed = await pageServer();
    other = await pageServer();
    api = await startFromEnv({ INVITEKIT_CORS_ORIGINS: allowed.origin, INVITEKIT_JWT_SECRET: JWT_SECRET });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    for (const s of [allowed, other]) await new Promise((resolve) => s?.server.close(resolve));
  });

  test('an allowed origin reads the Frontend API; another origin is blocked', async () => {
    const { adaId, orgId } = await seedAcme(api, 'Cors Inc');
    const invited = await api.api('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: 'cors@example.com',
      role: 'org:member',
      inviter_user_id: adaId,
      notify: false,
    });
    const token = new URL(invited.body.url).searchParams.get('invitation_token')!;
    const session = await new SignJWT({ email: 'cors@example.com', email_verified: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user_cors')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JWT_SECRET));

    const calls = async (origin: string) => {
      const page = await browser.newPage();
      await page.goto(origin);
      const result = await page.evaluate(
        async ({ base, token, session }) => {
          const call = async (path: string, init: RequestInit) => {
            try {
              const res = await fetch(`${base}/frontend/v1${path}`, init);
              return { status: res.status, body: await res.json() };
            } catch (err) {
              return { error: String(err) };
            }
          };
          return {
            preview: await call('/tickets/preview', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ token }),
            }),
            mine: await call('/me/organization_invitations', {
              headers: { authorization: `Bearer ${session}` },
            }),
          };
        },
        { base: api.url, token, session },
      );
      await page.close();
      return result;
    };

    const ok = await calls(allowed.origin);
    expect(ok.preview).toMatchObject({
      status: 200,
      body: { response: { organization: { name: 'Cors Inc' } } },
    });
    expect(ok.mine).toMatchObject({ status: 200, body: { response: { total_count: 1 } } });

    const blocked = await calls(other.origin);
    expect(blocked.preview).toEqual({ error: 'TypeError: Failed to fetch' });
    expect(blocked.mine).toEqual({ error: 'TypeError: Failed to fetch' });
  }, 120_000);

  test('a page sends Idempotency-Key cross-origin and reads Idempotent-Replayed on the retry', async () => {
    const { adaId, orgId } = await seedAcme(api, 'Idem Inc');
    const invited = await api.api('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: 'idem@example.com',
      role: 'org:member',
      inviter_user_id: adaId,
      notify: false,
    });
    const token = new URL(invited.body.url).searchParams.get('invitation_token')!;
    const page = await browser.newPage();
    await page.goto(allowed.origin);
    const tries = await page.evaluate(
      async ({ base, token }) => {
        const preview = async () => {
          const res = await fetch(`${base}/frontend/v1/tickets/preview`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': 'page-key-1' },
            body: JSON.stringify({ token }),
          });
          return {
            status: res.status,
            replayed: res.headers.get('idempotent-replayed'),
            body: await res.text(),
          };
        };
        return [await preview(), await preview()];
      },
      { base: api.url, token },
    );
    await page.close();
    expect(tries[0]).toMatchObject({ status: 200, replayed: null });
    expect(tries[1]).toEqual({ ...tries[0], replayed: 'true' });
  }, 120_000);
});
