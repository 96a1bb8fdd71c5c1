import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { type StartedFromEnv, seedAcme, startFromEnv } from './zero-config.js';

// The hosted accept page over plain HTTP: where links point, CSRF and Origin checks, escaping, settings.

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** One browser: a cookie jar over fetch, redirects left to the test. */
class Visitor {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async request(path: string, init: RequestInit = {}) {
    const res = await fetch(path.startsWith('http') ? path : `${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (value) this.cookies.set(name!, value);
      else this.cookies.delete(name!);
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  /** Opens the page and returns its form's CSRF token. */
  async open(link: string) {
    const page = await this.request(link);
    return { ...page, csrf: /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '' };
  }
  post(fields: Record<string, string>, headers: Record<string, string> = { origin: this.base }) {
    return this.request('/accept-invitation', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form(fields),
    });
  }
  async devSignIn(link: string, email: string) {
    const { csrf } = await this.open(link);
    const token = new URL(link).searchParams.get('invitation_token')!;
    const res = await this.post({ intent: 'dev-sign-in', csrf, invitation_token: token, email });
    expect(res.status).toBe(303);
  }
}

describe('hosted accept page (zero-config server)', () => {
  let server: StartedFromEnv;
  let org: { adaId: string; orgId: string };

  beforeAll(async () => {
    server = await startFromEnv();
    org = await seedAcme(server, 'Acme <script>alert(1)</script>');
  });
  afterAll(() => server?.close());

  async function invite(email: string, extra: Record<string, unknown> = {}) {
    const res = await server.api('POST', `/v1/organizations/${org.orgId}/invitations`, {
      email_address: email,
      role: 'org:member',
      inviter_user_id: org.adaId,
      ...extra,
    });
    expect(res.status).toBe(200);
    return { id: res.body.id as string, link: res.body.url as string };
  }
  const status = async (id: string) =>
    (await server.api('GET', `/v1/organizations/${org.orgId}/invitations/${id}`)).body.status;

  it('links point at the page on the port the server listens on', async () => {
    const { link } = await invite('port@example.com');
    const url = new URL(link);
    expect(url.origin).toBe(server.url);
    expect(url.pathname).toBe('/accept-invitation');
  });

  it('escapes what it shows, sets a strict CSP and no-referrer, and never uses the link on GET', async () => {
    const { id, link } = await invite('escape@example.com');
    const visitor = new Visitor(server.url);
    for (let i = 0; i < 3; i++) {
      const page = await visitor.open(link);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Acme &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.text).not.toContain('<script');
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*form-action 'self'/);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('cache-control')).toBe('no-store');
    }
    expect(await status(id)).toBe('pending');
  });

  it('refuses posts without the CSRF token, with another session’s token, or from another origin', async () => {
    const { id, link } = await invite('csrf@example.com');
    const token = new URL(link).searchParams.get('invitation_token')!;
    const bob = new Visitor(server.url);
    await bob.devSignIn(link, 'csrf@example.com');
    const { csrf } = await bob.open(link);

    // No token; a token minted before sign-in (another session); the right token from another origin.
    expect((await bob.post({ intent: 'accept', invitation_token: token })).status).toBe(403);
    const anonymous = new Visitor(server.url);
    const stale = (await anonymous.open(link)).csrf;
    expect((await bob.post({ intent: 'accept', invitation_token: token, csrf: stale })).status).toBe(403);
    const fields = { intent: 'accept', invitation_token: token, csrf };
    expect((await bob.post(fields, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await bob.post(fields, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(await status(id)).toBe('pending');

    // The form as the page rendered it (Chromium sends Origin: null under no-referrer).
    const ok = await bob.post(fields, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/\/accept-invitation\/done\?r=/);
    expect(await status(id)).toBe('accepted');
    const done = await bob.request(ok.headers.get('location')!);
    expect(done.text).toContain('You are now a member of Acme &lt;script&gt;');
  });

  it('a forged success page is refused', async () => {
    const page = await new Visitor(server.url).request(
      '/accept-invitation/done?r=eyJvdXRjb21lIjoiYWNjZXB0ZWQifQ.forged',
    );
    expect(page.status).toBe(400);
  });

  it('after accepting, goes to the invitation’s redirect_url', async () => {
    const redirect = `${server.url}/welcome?from=invite`;
    const { link } = await invite('redirect@example.com', { redirect_url: redirect });
    // The link opens the page, not redirect_url.
    expect(new URL(link).pathname).toBe('/accept-invitation');
    const visitor = new Visitor(server.url);
    await visitor.devSignIn(link, 'redirect@example.com');
    const { csrf } = await visitor.open(link);
    const res = await visitor.post({
      intent: 'accept',
      csrf,
      invitation_token: new URL(link).searchParams.get('invitation_token')!,
    });
    expect([res.status, res.headers.get('location')]).toEqual([303, redirect]);
  });

  it('the wrong account gets a 403 and the invitation stays usable', async () => {
    const { id, link } = await invite('right@example.com');
    const token = new URL(link).searchParams.get('invitation_token')!;
    const eve = new Visitor(server.url);
    await eve.devSignIn(link, 'wrong@example.com');
    const { csrf, text } = await eve.open(link);
    expect(text).toContain('This invitation is for another account');
    const res = await eve.post({ intent: 'accept', csrf, invitation_token: token });
    expect(res.status).toBe(403);
    expect(await status(id)).toBe('pending');
  });

  it('an invitation for someone already a member says so by the organization’s name', async () => {
    const first = await invite('twice@example.com');
    const visitor = new Visitor(server.url);
    await visitor.devSignIn(first.link, 'twice@example.com');
    const { csrf } = await visitor.open(first.link);
    const token = new URL(first.link).searchParams.get('invitation_token')!;
    expect((await visitor.post({ intent: 'accept', csrf, invitation_token: token })).status).toBe(303);
    const again = await server.api('POST', `/v1/organizations/${org.orgId}/invitations`, {
      email_address: 'twice@example.com',
      role: 'org:member',
    });
    expect(again.body.errors[0].long_message).toBe(
      'twice@example.com is already a member of Acme <script>alert(1)</script>.',
    );
  });
  it('renders in the invitation’s locale (Invitekit extension): its own, else its organization’s', async () => {
    const long = (locale: string, ms: number) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(ms);
    // Its own locale: French, with the expiry written the French way.
    const fr = await server.api('POST', `/v1/organizations/${org.orgId}/invitations`, {
      email_address: 'fr@example.com',
      role: 'org:member',
      inviter_user_id: org.adaId,
      locale: 'fr',
    });
    const visitor = new Visitor(server.url);
    const page = await visitor.open(fr.body.url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('Rejoindre Acme &lt;script&gt;');
    expect(page.text).toContain('<strong>Ada Lovelace</strong> vous invite à rejoindre');
    expect(page.text).toContain(`${long('fr', fr.body.expires_at)} UTC`);
    expect(page.text).toContain('Connectez-vous avec l’adresse');
    // Accepted, the success page speaks French too.
    await visitor.devSignIn(fr.body.url, 'fr@example.com');
    const { csrf } = await visitor.open(fr.body.url);
    const token = new URL(fr.body.url).searchParams.get('invitation_token')!;
    const accepted = await visitor.post({ intent: 'accept', csrf, invitation_token: token });
    expect(accepted.status).toBe(303);
    const done = await visitor.request(accepted.headers.get('location')!);
    expect(done.text).toContain('Vous êtes maintenant membre de Acme');

    // None of its own: the organization's, German.
    const ada = await server.api('POST', '/v1/users', {
      email_address: [`ada-de-${Date.now()}@example.com`],
    });
    const gmbh = await server.api('POST', '/v1/organizations', {
      name: 'GmbH',
      created_by: ada.body.id,
      locale: 'de',
    });
    const de = await server.api('POST', `/v1/organizations/${gmbh.body.id}/invitations`, {
      email_address: 'de@example.com',
      role: 'org:member',
    });
    const dePage = await new Visitor(server.url).open(de.body.url);
    expect(dePage.text).toContain('<html lang="de">');
    expect(dePage.text).toContain(
      'Sie wurden eingeladen, <strong>GmbH</strong> als <strong>Member</strong> beizutreten.',
    );
    expect(dePage.text).toContain(`${long('de', de.body.expires_at)} UTC`);
    // No invitation to speak of: the configured locale (English by default).
    const bad = await new Visitor(server.url).request('/accept-invitation?invitation_token=nope');
    expect(bad.text).toContain('<html lang="en">');
    expect(bad.text).toContain('This invitation link is not valid');
  });
});

describe('hosted accept page settings', { timeout: 60_000 }, () => {
  it('INVITEKIT_PUBLIC_URL sets where links point, with its path; cookies are Secure on https', async () => {
    const server = await startFromEnv({ INVITEKIT_PUBLIC_URL: 'https://invite.example.com/ik/' });
    try {
      const { adaId, orgId } = await seedAcme(server);
      const res = await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
        email_address: 'public@example.com',
        role: 'org:member',
        inviter_user_id: adaId,
      });
      const link = new URL(res.body.url);
      expect(`${link.origin}${link.pathname}`).toBe('https://invite.example.com/ik/accept-invitation');
      // Behind the proxy the page is still served at /accept-invitation, and refers to its public path.
      const page = await fetch(`${server.url}/accept-invitation${link.search}`);
      const text = await page.text();
      expect(text).toContain('action="/ik/accept-invitation"');
      expect(page.headers.getSetCookie()[0]).toMatch(
        /Path=\/ik\/accept-invitation; HttpOnly; Secure; SameSite=Lax/,
      );
    } finally {
      await server.close();
    }
  });

  it('INVITEKIT_ACCEPT_URL still wins, and then a redirect_url is the link itself', async () => {
    const server = await startFromEnv({
      INVITEKIT_ACCEPT_URL: 'https://app.example.com/join',
      INVITEKIT_REDIRECT_ORIGINS: 'https://other.example.com',
    });
    try {
      const { adaId, orgId } = await seedAcme(server);
      const plain = await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
        email_address: 'own-page@example.com',
        role: 'org:member',
        inviter_user_id: adaId,
      });
      expect(plain.body.url).toMatch(/^https:\/\/app\.example\.com\/join\?invitation_token=/);
      const redirected = await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
        email_address: 'own-page-2@example.com',
        role: 'org:member',
        redirect_url: 'https://other.example.com/land',
      });
      expect(redirected.body.url).toMatch(/^https:\/\/other\.example\.com\/land\?invitation_token=/);
    } finally {
      await server.close();
    }
  });

  it('production: no development sign-in, a link to the host sign-in that comes back', async () => {
    const server = await startFromEnv({
      NODE_ENV: 'production',
      INVITEKIT_SECRET_KEY: 'sk_test_prod',
      INVITEKIT_JWT_SECRET: 'prod-jwt-secret-0123456789abcdef',
      INVITEKIT_PUBLIC_URL: 'http://127.0.0.1:1',
      INVITEKIT_SIGN_IN_URL: 'https://app.example.com/sign-in',
      INVITEKIT_REDIRECT_ORIGINS: 'https://app.example.com',
    });
    try {
      const { adaId, orgId } = await seedAcme(server);
      const res = await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
        email_address: 'prod@example.com',
        role: 'org:member',
        inviter_user_id: adaId,
        notify: false,
      });
      const link = new URL(res.body.url);
      const visitor = new Visitor(server.url);
      const page = await visitor.open(`${server.url}/accept-invitation${link.search}`);
      expect(page.text).not.toContain('Development');
      expect(page.text).toContain('href="https://app.example.com/sign-in?redirect_url=');
      expect(page.headers.get('content-security-policy')).toContain(
        "form-action 'self' https://app.example.com",
      );
      // Nothing to post without a session: the page has no form, and a post is refused.
      expect(page.text).not.toContain('<form');
      const dev = await visitor.post(
        { intent: 'dev-sign-in', csrf: page.csrf, invitation_token: 'x', email: 'a@example.com' },
        { 'sec-fetch-site': 'same-origin' },
      );
      expect(dev.status).toBe(403);
      expect(visitor.cookieHeader()).not.toContain('invitekit_dev_session');
    } finally {
      await server.close();
    }
  });

  it('refuses a sign-in URL off the allowed origins, and a development sign-in in production', async () => {
    await expect(startFromEnv({ INVITEKIT_SIGN_IN_URL: 'https://evil.example/sign-in' })).rejects.toThrow(
      /INVITEKIT_SIGN_IN_URL must be on the public URL's origin/,
    );
    expect(() =>
      configFromEnv({ NODE_ENV: 'production', INVITEKIT_SECRET_KEY: 'sk', INVITEKIT_DEV_SIGN_IN: 'on' }),
    ).toThrow(/INVITEKIT_DEV_SIGN_IN cannot be on with NODE_ENV=production/);
    expect(() => configFromEnv({ INVITEKIT_PUBLIC_URL: 'ftp://x' })).toThrow(/INVITEKIT_PUBLIC_URL/);
  });

  it('opening and accepting count against the per-client token limit, as tickets/preview and tickets/accept do', async () => {
    const limited = await startFromEnv({ INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE: '2' });
    try {
      const { adaId, orgId } = await seedAcme(limited, 'Limited');
      const created = await limited.api('POST', `/v1/organizations/${orgId}/invitations`, {
        email_address: 'limited@example.com',
        role: 'org:member',
        inviter_user_id: adaId,
      });
      const visitor = new Visitor(limited.url);
      expect((await visitor.request(created.body.url)).status).toBe(200);
      expect((await visitor.request(created.body.url)).status).toBe(200);
      const third = await visitor.request(created.body.url);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(third.text).toContain('Too many attempts');
      // The same client's Frontend API preview shares the count.
      const token = new URL(created.body.url).searchParams.get('invitation_token');
      const preview = await fetch(`${limited.url}/frontend/v1/tickets/preview`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      expect(preview.status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('INVITEKIT_ACCEPT_PAGE=off serves no page', async () => {
    const server = await startFromEnv({ INVITEKIT_ACCEPT_PAGE: 'off' });
    try {
      const res = await fetch(`${server.url}/accept-invitation?invitation_token=x`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/json/);
    } finally {
      await server.close();
    }
  });
});

describe('hosted accept page after a reminder', { timeout: 60_000 }, () => {
  it('opens the first link and the reminder’s; the first accepts, then the reminder’s says it is used', async () => {
    // A reminder about 2 s after sending, swept every 200 ms: the server's own sweeper and dispatcher.
    const server = await startFromEnv({
      INVITEKIT_REMINDERS: 'true',
      INVITEKIT_REMINDER_AFTER_DAYS: '0.00002',
      INVITEKIT_REMINDER_BEFORE_EXPIRY_DAYS: 'none',
      INVITEKIT_REMINDER_MAX: '1',
      INVITEKIT_REMINDER_INTERVAL_MS: '200',
    });
    try {
      const { adaId, orgId } = await seedAcme(server);
      const res = await server.api('POST', `/v1/organizations/${orgId}/invitations`, {
        email_address: 'reminded@example.com',
        role: 'org:member',
        inviter_user_id: adaId,
      });
      const first = res.body.url as string;
      let links: string[] = [];
      for (let i = 0; i < 100 && links.length < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const mailbox = (await (await fetch(`${server.url}/dev/mailbox.json`)).json()) as {
          to: string;
          subject: string;
          link: string | null;
        }[];
        links = mailbox.filter((m) => m.to.includes('reminded@example.com') && m.link).map((m) => m.link!);
      }
      expect(links).toHaveLength(2);
      // Newest first: the reminder's link, then the invitation email's (the create response's `url`).
      const [reminder, emailed] = links;
      expect(emailed).toBe(first);
      expect(reminder).not.toBe(first);

      const visitor = new Visitor(server.url);
      for (const link of [first, reminder!]) {
        const page = await visitor.open(link);
        expect(page.status).toBe(200);
        expect(page.text).toContain('Join Acme');
        expect(page.text).not.toContain('This invitation link is not valid');
      }
      await visitor.devSignIn(first, 'reminded@example.com');
      const { csrf } = await visitor.open(first);
      const token = new URL(first).searchParams.get('invitation_token')!;
      const accepted = await visitor.post({ intent: 'accept', csrf, invitation_token: token });
      expect(accepted.status).toBe(303);
      const done = await visitor.request(accepted.headers.get('location')!);
      expect(done.text).toContain('You are now a member of Acme');

      // The reminder's link now answers that the invitation is accepted, and accepts nothing more.
      const used = await visitor.open(reminder!);
      expect(used.status).toBe(410);
      expect(used.text).toContain('Invitation already accepted');
      const again = await visitor.post({
        intent: 'accept',
        csrf,
        invitation_token: new URL(reminder!).searchParams.get('invitation_token')!,
      });
      expect(again.status).toBe(410);
      expect(again.text).toContain('Invitation already accepted');
      const members = await server.api('GET', `/v1/organizations/${orgId}/memberships`);
      expect(members.body.total_count).toBe(2);
    } finally {
      await server.close();
    }
  });
});
