import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCatalogs } from '../src/accept-page/messages.js';
import { type StartedFromEnv, seedAcme, startFromEnv } from './zero-config.js';

// Join links on the hosted accept page over plain HTTP: `?join_token=` previews the link (never using it),
// the development sign-in comes back to it, and a signed-in person joins with a CSRF-checked POST.

/** One browser: a cookie jar over fetch, redirects left to the test. */
class Visitor {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async request(path: string, init: RequestInit = {}) {
    const res = await fetch(path.startsWith('http') ? path : `${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [name, value] = c.split(';')[0]!.split('=');
      if (value) this.cookies.set(name!, value);
      else this.cookies.delete(name!);
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }
  async open(link: string) {
    const page = await this.request(link);
    return { ...page, csrf: /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '' };
  }
  post(fields: Record<string, string>) {
    return this.request('/accept-invitation', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.base },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

describe('hosted accept page: join links', () => {
  let server: StartedFromEnv;
  let org: { adaId: string; orgId: string };

  beforeAll(async () => {
    server = await startFromEnv();
    org = await seedAcme(server);
  });
  afterAll(() => server?.close());

  async function createLink(extra: Record<string, unknown> = {}) {
    const res = await server.api('POST', `/v1/organizations/${org.orgId}/join_links`, {
      role: 'org:member',
      created_by: org.adaId,
      ...extra,
    });
    expect(res.status).toBe(200);
    return { id: res.body.id as string, link: res.body.url as string };
  }
  const usesOf = async (id: string) =>
    (await server.api('GET', `/v1/organizations/${org.orgId}/join_links/${id}`)).body.uses_count;

  it('links open the page; GET shows the offer and never uses the link; a member joins after signing in', async () => {
    const { id, link } = await createLink({ max_uses: 3 });
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/accept-invitation`);
    const token = url.searchParams.get('join_token')!;
    const visitor = new Visitor(server.url);
    const page = await visitor.open(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Join Acme');
    expect(page.text).toContain('Sign in with a verified email address to join');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await usesOf(id)).toBe(0);

    // The development sign-in posts the join token back and returns to the join page.
    const signedIn = await visitor.post({
      intent: 'dev-sign-in',
      csrf: page.csrf,
      join_token: token,
      email: 'joiner@example.com',
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(link);
    const ready = await visitor.open(link);
    expect(ready.text).toContain('name="join_token"');
    expect(ready.text).toMatch(/<button[^>]*>Join<\/button>/);

    // Without the CSRF token nothing happens; with it, the person joins.
    expect((await visitor.post({ intent: 'join', join_token: token })).status).toBe(403);
    expect(await usesOf(id)).toBe(0);
    const joined = await visitor.post({ intent: 'join', join_token: token, csrf: ready.csrf });
    expect(joined.status).toBe(200);
    expect(joined.text).toContain('You joined Acme');
    expect(await usesOf(id)).toBe(1);
    const again = await visitor.post({ intent: 'join', join_token: token, csrf: ready.csrf });
    expect(again.text).toContain('already a member');
  });

  it('says when a link is revoked or not valid, and asks to join when approval is required', async () => {
    const revoked = await createLink();
    await server.api('POST', `/v1/organizations/${org.orgId}/join_links/${revoked.id}/revoke`);
    const visitor = new Visitor(server.url);
    expect((await visitor.open(revoked.link)).text).toContain('withdrawn');
    const bad = await visitor.open(`${server.url}/accept-invitation?join_token=${revoked.id}.wrong`);
    expect(bad.status).toBe(404);
    expect(bad.text).toContain('This join link is not valid');

    const approval = await createLink({ require_approval: true });
    const token = new URL(approval.link).searchParams.get('join_token')!;
    const first = await visitor.open(approval.link);
    await visitor.post({
      intent: 'dev-sign-in',
      csrf: first.csrf,
      join_token: token,
      email: 'asker@example.com',
    });
    const ready = await visitor.open(approval.link);
    expect(ready.text).toContain('Ask to join');
    const asked = await visitor.post({ intent: 'join', join_token: token, csrf: ready.csrf });
    expect(asked.text).toContain('Request sent');
    const uses = await server.api('GET', `/v1/organizations/${org.orgId}/join_links/${approval.id}/uses`);
    expect(uses.body.data[0]).toMatchObject({ status: 'pending', email_address: 'asker@example.com' });
  });
});

describe('hosted accept page: join links in the configured locale', () => {
  let server: StartedFromEnv;
  let org: { adaId: string; orgId: string };

  beforeAll(async () => {
    server = await startFromEnv({ INVITEKIT_LOCALE: 'de' });
    org = await seedAcme(server);
  });
  afterAll(() => server?.close());

  const approvalLink = async () =>
    (
      await server.api('POST', `/v1/organizations/${org.orgId}/join_links`, {
        role: 'org:member',
        created_by: org.adaId,
        require_approval: true,
      })
    ).body.url as string;

  it('every join-link string is in all four catalogs', () => {
    const keys = (lang: string) =>
      Object.keys(pageCatalogs[lang]!)
        .filter((k) => k.startsWith('page.joinLink.'))
        .sort();
    expect(keys('en').length).toBeGreaterThan(10);
    for (const lang of ['fr', 'de', 'es']) expect(keys(lang)).toEqual(keys('en'));
  });

  it('renders the offer, the request and its refusal in German', async () => {
    const link = await approvalLink();
    const token = new URL(link).searchParams.get('join_token')!;
    const visitor = new Visitor(server.url);
    const page = await visitor.open(link);
    expect(page.text).toContain('<html lang="de">');
    expect(page.text).toContain('Beitrittslink');
    expect(page.text).toContain('Acme beitreten');
    expect(page.text).toContain('sobald ein Admin Ihre Anfrage genehmigt');
    expect(page.text).toContain('Melden Sie sich mit einer bestätigten E-Mail-Adresse an, um beizutreten.');
    expect(page.text).not.toContain('Sign in with a verified email address');
    await visitor.post({
      intent: 'dev-sign-in',
      csrf: page.csrf,
      join_token: token,
      email: 'de@example.com',
    });
    const ready = await visitor.open(link);
    expect(ready.text).toMatch(/<button[^>]*>Beitritt anfragen<\/button>/);
    const asked = await visitor.post({ intent: 'join', join_token: token, csrf: ready.csrf });
    expect(asked.text).toContain('Anfrage gesendet');
    expect(asked.text).toContain('Ein Admin von Acme wird Ihre Beitrittsanfrage prüfen.');

    // A second link while the first request waits: one pending request per person.
    const second = await approvalLink();
    const secondToken = new URL(second).searchParams.get('join_token')!;
    const again = await visitor.open(second);
    const refused = await visitor.post({ intent: 'join', join_token: secondToken, csrf: again.csrf });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Anfrage bereits gesendet');
  });
});
