import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { type ReceivedMail, startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { canonicalLocale, localeChain } from '../src/domain/locale.js';
import { createInvitekit, type InvitekitConfig, Messages } from '../src/index.js';

// Locales (Invitekit extension): emails rendered from ICU catalogs in the invitation's locale, received by
// a real SMTP server; the default chain (invitation → organization → configured → en); host catalogs.

const DAY = 24 * 60 * 60 * 1000;
/** Invitations created at this instant with expires_in_days: 1 expire on 22 December 2026, 16:51 UTC. */
const NOW = Date.UTC(2026, 11, 21, 16, 51);
const FAST = { pollIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 100 };
/** Intl's spaces vary by ICU version (U+202F, U+00A0): compare text with plain spaces. */
const plain = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ');

describe('locale tags and catalogs', () => {
  it('canonicalises BCP 47 tags with Intl and refuses what is not one', () => {
    expect(canonicalLocale('fr-ca')).toBe('fr-CA');
    expect(canonicalLocale('EN')).toBe('en');
    expect(canonicalLocale('zh-hant-tw')).toBe('zh-Hant-TW');
    for (const bad of ['', 'not a locale', 'en_US', 'x'.repeat(80), 'de-'])
      expect(canonicalLocale(bad)).toBeNull();
  });

  it('falls back fr-CA → fr → configured → en', () => {
    expect(localeChain('fr-CA', 'de-AT')).toEqual(['fr-CA', 'fr', 'de-AT', 'de', 'en']);
    expect(localeChain(null, 'en')).toEqual(['en']);
    const messages = new Messages({ locale: 'de', messages: { it: { 'email.button': 'Accetta' } } });
    expect(messages.text('fr-CA', 'email.button')).toBe('Accepter l’invitation');
    expect(messages.writtenIn('fr-CA', 'email.button')).toBe('fr-CA');
    // Italian has only the button: everything else comes from the configured locale, German.
    expect(messages.text('it', 'email.button')).toBe('Accetta');
    expect(messages.text('it', 'applicationInvitation.heading', { appName: 'X' })).toBe('X beitreten');
    expect(messages.writtenIn('it', 'applicationInvitation.heading')).toBe('de');
    expect(messages.text(null, 'email.button')).toBe('Einladung annehmen');
  });

  it('formats the expiry for the locale, and escapes every value in HTML', () => {
    const messages = new Messages();
    const at = Date.UTC(2026, 11, 22, 16, 51);
    const footer = (locale: string) =>
      plain(messages.text(locale, 'email.footer', { emailAddress: 'a@b.c', expiresAt: at }));
    expect(footer('en')).toContain('expires on December 22, 2026 at 4:51 PM UTC.');
    expect(footer('fr')).toContain('expire le 22 décembre 2026 à 16:51 UTC.');
    expect(footer('de')).toContain('läuft am 22. Dezember 2026 um 16:51 UTC ab.');
    const es = new Intl.DateTimeFormat('es', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    expect(footer('es')).toContain(plain(`caduca el ${es.format(at)} UTC.`));
    const html = messages.html('en', 'organizationInvitation.body', {
      hasInviter: 'yes',
      inviter: '<i>Eve</i>',
      organization: 'A & B',
      role: '"Boss"',
    });
    expect(html).toBe(
      '&lt;i&gt;Eve&lt;/i&gt; invited you to join <strong>A &amp; B</strong> as <strong>&quot;Boss&quot;</strong>.',
    );
  });

  it('refuses a host message that is not ICU, and a configured locale that is not a tag, at start', async () => {
    expect(() => new Messages({ messages: { fr: { 'email.button': 'Accepter {' } } })).toThrow(
      /messages\.fr\.email\.button is not an ICU message/,
    );
    await expect(
      createInvitekit({ database: { dataDir: 'memory://' }, locale: 'klingon please' }),
    ).rejects.toThrow(/locale must be a BCP 47 language tag/);
    await expect(
      createInvitekit({ database: { dataDir: 'memory://' }, messages: { 'no such tag': {} } }),
    ).rejects.toThrow(/messages must be keyed by BCP 47 language tags/);
  });
});

describe.each(testDatabases())('localised emails on $name', (kind) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function open(config: Partial<InvitekitConfig> = {}) {
    const smtp = await startSmtpServer();
    cleanups.push(smtp.close);
    const db = await kind.create();
    cleanups.push(db.drop);
    const ik = await createInvitekit({
      database: db.config,
      smtpUrl: smtp.url,
      now: () => NOW,
      // Off: single creates take the one-statement path; bulk creates always take the general one.
      limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
      ...config,
      delivery: FAST,
    });
    cleanups.push(() => ik.close());
    ik.start();
    const admin = await ik.services.users.create({
      emailAddresses: ['ada@example.com'],
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    return { ik, smtp, adminId: admin.id };
  }

  const mailTo = (smtp: { received: ReceivedMail[] }, to: string, n = 1) =>
    waitFor(`email ${n} to ${to}`, () => smtp.received.filter((m) => m.to.includes(to))[n - 1]);

  it('emails in French and German, with the expiry written for each', async () => {
    const { ik, smtp, adminId } = await open();
    const org = await ik.services.organizations.create({ name: 'Acme', createdBy: adminId });
    for (const [email, locale] of [
      ['fr@example.com', 'fr'],
      ['de@example.com', 'de'],
    ]) {
      await ik.services.organizationInvitations.create(org.id, {
        emailAddress: email!,
        role: 'org:member',
        inviterUserId: adminId,
        expiresInDays: 1,
        locale,
      });
    }
    const fr = await mailTo(smtp, 'fr@example.com');
    expect(fr.parsed.subject).toBe('Ada Lovelace vous invite à rejoindre Acme');
    expect(plain(fr.parsed.text)).toContain('Ada Lovelace vous invite à rejoindre Acme en tant que Member.');
    expect(plain(fr.parsed.text)).toContain('expire le 22 décembre 2026 à 16:51 UTC');
    expect(String(fr.parsed.html)).toContain('<html lang="fr">');
    expect(String(fr.parsed.html)).toContain('Accepter l’invitation');

    const de = await mailTo(smtp, 'de@example.com');
    expect(de.parsed.subject).toBe('Ada Lovelace hat Sie zu Acme eingeladen');
    expect(plain(de.parsed.text)).toContain('Ada Lovelace hat Sie eingeladen, Acme als Member beizutreten.');
    expect(plain(de.parsed.text)).toContain('läuft am 22. Dezember 2026 um 16:51 UTC ab');
    expect(String(de.parsed.html)).toContain('<strong>Acme</strong>');
    expect(String(de.parsed.html)).toContain('Einladung annehmen');
  });

  it('defaults to the organization’s locale, then the configured one, and stores it on the invitation', async () => {
    const { ik, smtp, adminId } = await open({ locale: 'de', secretKeys: ['sk_test_locale'] });
    const quebec = await ik.services.organizations.create({
      name: 'Québec',
      createdBy: adminId,
      locale: 'fr-ca',
    });
    const plainOrg = await ik.services.organizations.create({ name: 'Plain', createdBy: adminId });
    // One-statement path and general (bulk) path alike.
    const single = await ik.services.organizationInvitations.create(quebec.id, {
      emailAddress: 'one@example.com',
      role: 'org:member',
      expiresInDays: 1,
    });
    const [bulk] = await ik.services.organizationInvitations.createMany(quebec.id, [
      { emailAddress: 'two@example.com', role: 'org:member' },
    ]);
    const configured = await ik.services.organizationInvitations.create(plainOrg.id, {
      emailAddress: 'three@example.com',
      role: 'org:member',
    });
    const app = await ik.services.invitations.create({ emailAddress: 'four@example.com' });
    expect([single.locale, bulk!.locale, configured.locale, app.locale]).toEqual([
      'fr-CA',
      'fr-CA',
      'de',
      'de',
    ]);
    expect((await ik.services.organizations.get(quebec.id)).locale).toBe('fr-CA');

    const one = await mailTo(smtp, 'one@example.com');
    expect(one.parsed.subject).toBe('Vous êtes invité·e à rejoindre Québec');
    // fr-CA's own way of writing a time, from the fr catalog.
    const quebecTime = new Intl.DateTimeFormat('fr-CA', { timeStyle: 'short', timeZone: 'UTC' }).format(
      NOW + DAY,
    );
    expect(plain(one.parsed.text)).toContain(plain(`à ${quebecTime} UTC`));
    expect(String(one.parsed.html)).toContain('<html lang="fr-CA">');
    expect((await mailTo(smtp, 'three@example.com')).parsed.subject).toBe('Sie wurden zu Plain eingeladen');
    expect((await mailTo(smtp, 'four@example.com')).parsed.subject).toBe(
      'Sie wurden zu the application eingeladen',
    );

    // The organization's locale is set through the existing organization route, as an extension field
    // that the answer (Clerk's Organization) does not show.
    const patched = await ik.handle({
      method: 'PATCH',
      path: `/v1/organizations/${plainOrg.id}`,
      query: {},
      headers: { authorization: 'Bearer sk_test_locale' },
      body: { locale: 'ES' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('locale');
    expect((await ik.services.organizations.get(plainOrg.id)).locale).toBe('es');
    const bad = await ik.handle({
      method: 'POST',
      path: '/v1/organizations',
      query: {},
      headers: { authorization: 'Bearer sk_test_locale' },
      body: { name: 'Bad', locale: 'no such locale' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ errors: [{ meta: { param_name: 'locale' } }] });
  });

  it('lets the host override and add catalogs', async () => {
    const { ik, smtp, adminId } = await open({
      messages: {
        fr: { 'organizationInvitation.subject': '{organization} vous attend' },
        it: {
          'organizationInvitation.subject':
            '{hasInviter, select, yes {{inviter} ti invita in {organization}} other {Invito}}',
          'email.button': 'Accetta l’invito',
        },
      },
    });
    const org = await ik.services.organizations.create({ name: 'Acme', createdBy: adminId });
    for (const [email, locale] of [
      ['fr@example.com', 'fr'],
      ['it@example.com', 'it-CH'],
    ]) {
      await ik.services.organizationInvitations.create(org.id, {
        emailAddress: email!,
        role: 'org:member',
        inviterUserId: adminId,
        locale,
      });
    }
    const fr = await mailTo(smtp, 'fr@example.com');
    expect(fr.parsed.subject).toBe('Acme vous attend');
    expect(plain(fr.parsed.text)).toContain('vous invite à rejoindre Acme'); // the rest stays built in
    const it_ = await mailTo(smtp, 'it@example.com');
    expect(it_.parsed.subject).toBe('Ada Lovelace ti invita in Acme');
    expect(String(it_.parsed.html)).toContain('Accetta l’invito');
    // Keys Italian lacks come from the configured locale (English here).
    expect(plain(it_.parsed.text)).toContain('Ada Lovelace invited you to join Acme as Member.');
  });

  it('a resend keeps the invitation’s locale, whatever the organization’s is now', async () => {
    const { ik, smtp, adminId } = await open();
    const org = await ik.services.organizations.create({ name: 'Acme', createdBy: adminId, locale: 'de' });
    const created = await ik.services.organizationInvitations.create(org.id, {
      emailAddress: 'bob@example.com',
      role: 'org:member',
      inviterUserId: adminId,
    });
    await mailTo(smtp, 'bob@example.com');
    await ik.services.organizations.update(org.id, { locale: 'fr' });
    await ik.services.organizationInvitations.resend(org.id, created.id);
    const again = await mailTo(smtp, 'bob@example.com', 2);
    expect(again.parsed.subject).toBe('Ada Lovelace hat Sie zu Acme eingeladen');
    // An edit to the locale, with notify, emails in the new one.
    await ik.services.invitationEdits.updateOrganizationInvitation(org.id, created.id, {
      locale: 'es',
      notify: true,
    });
    const third = await mailTo(smtp, 'bob@example.com', 3);
    expect(third.parsed.subject).toBe('Ada Lovelace te ha invitado a unirte a Acme');
  });

  it('a reminder is written in the invitation’s locale, from the same catalogs', async () => {
    let clock = NOW;
    const reminders = { afterSendDays: [1], beforeExpiryDays: [], max: 1, intervalMs: 50 };
    const { ik, smtp, adminId } = await open({ now: () => clock, reminders });
    const org = await ik.services.organizations.create({ name: 'Acme', createdBy: adminId, locale: 'de' });
    await ik.services.organizationInvitations.create(org.id, {
      emailAddress: 'bob@example.com',
      role: 'org:member',
      inviterUserId: adminId,
      expiresInDays: 7,
      locale: 'fr',
    });
    await ik.services.invitations.create({ emailAddress: 'eve@example.com', expiresInDays: 7, locale: 'es' });
    await mailTo(smtp, 'bob@example.com');
    await mailTo(smtp, 'eve@example.com');
    // Both sends recorded before the clock jumps a day: a lease taken at NOW would look expired after it.
    await waitFor('the outbox to settle', async () => {
      const { rows } = (await ik.database.db.execute(
        sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`,
      )) as unknown as { rows: { n: number }[] };
      return rows[0]!.n === 0;
    });
    clock = NOW + DAY + 60_000;
    const bob = await mailTo(smtp, 'bob@example.com', 2);
    expect(bob.parsed.subject).toBe('Rappel : Ada Lovelace vous invite à rejoindre Acme');
    expect(plain(bob.parsed.text)).toContain('expire le 28 décembre 2026 à 16:51 UTC');
    const eve = await mailTo(smtp, 'eve@example.com', 2);
    expect(eve.parsed.subject).toBe('Recordatorio: te han invitado a unirte a the application');
  });
});
