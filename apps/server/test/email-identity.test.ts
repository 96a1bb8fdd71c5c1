import { domainToASCII } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { type SmtpServer, startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { asUser, seedOrganization, startTestServer, type TestServer } from './harness.js';

/** Addresses that the old check let through, though their SMTP recipient is not the stored invitee. */
const LIST_SYNTAX = ['foo<victim@example.com>', 'a@b.co,d', 'victim@example.com>', 'x <victim@example.com>'];

describe.each(testDatabases())('email identity on $name', (kind) => {
  let api: TestServer;
  let smtp: SmtpServer;
  let drop: () => Promise<void>;
  let org: Awaited<ReturnType<typeof seedOrganization>>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    smtp = await startSmtpServer();
    api = await startTestServer(db.config, { smtpUrl: smtp.url, delivery: { pollIntervalMs: 50 } });
    api.invitekit.start();
    org = await seedOrganization(api, 'mail');
  });
  afterAll(async () => {
    await api?.stop();
    await smtp?.close();
    await drop?.();
  });

  const invite = (email_address: string) =>
    api.call('CreateOrganizationInvitation', 'POST', `/v1/organizations/${org.orgId}/invitations`, {
      email_address,
      role: 'org:member',
      inviter_user_id: org.adminId,
    });

  it('refuses address-list syntax with 422 form_param_format_invalid everywhere an address goes in', async () => {
    for (const address of LIST_SYNTAX) {
      for (const res of [
        await invite(address),
        await api.call(
          'CreateOrganizationInvitationBulk',
          'POST',
          `/v1/organizations/${org.orgId}/invitations/bulk`,
          [{ email_address: address, role: 'org:member' }],
        ),
        await api.call('CreateInvitation', 'POST', '/v1/invitations', { email_address: address }),
        await api.call('CreateUser', 'POST', '/v1/users', { email_address: [address] }),
        await api.call('GetUserList', 'GET', `/v1/users?email_address=${encodeURIComponent(address)}`),
      ]) {
        expect([address, res.status, res.body.errors?.[0]?.code]).toEqual([
          address,
          422,
          'form_param_format_invalid',
        ]);
      }
    }
    const all = await api.call(
      'ListOrganizationInvitations',
      'GET',
      `/v1/organizations/${org.orgId}/invitations`,
    );
    expect(all.body.total_count).toBe(0);
  });

  it('refuses a KELVIN SIGN local part, and a session naming one does not match kate@', async () => {
    const kelvin = '\u212Aate@example.com';
    expect((await invite(kelvin)).status).toBe(422);
    expect((await invite('kate@example.com')).status).toBe(200);
    const mine = await api.call(
      'FrontendListMyOrganizationInvitations',
      'GET',
      '/frontend/v1/me/organization_invitations',
      undefined,
      await asUser('user_kelvin', kelvin, true),
    );
    expect(mine.status).toBe(200);
    expect(mine.body.response.total_count).toBe(0);
  });

  it('stores IDN domains in their UTS #46 ASCII form: one pending invitation, and SMTP sends to it', async () => {
    const first = await invite('Jo@München.de');
    expect(first.status).toBe(200);
    expect(first.body.email_address).toBe('jo@xn--mnchen-3ya.de');
    const again = await invite('jo@xn--MNCHEN-3ya.de');
    expect(again.status).toBe(400);
    const mail = await waitFor('the email to jo@', () =>
      smtp.received.find((m) => m.to.some((to) => to.includes('jo@'))),
    );
    // smtp-server shows the envelope's domain decoded; in ASCII it is the stored invitee, exactly.
    const ascii = mail.to.map((to) => {
      const [local, domain] = to.split('@');
      return `${local}@${domainToASCII(domain!)}`;
    });
    expect(ascii).toEqual(['jo@xn--mnchen-3ya.de']);
  });
});
