import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { isPermanent } from '../src/delivery/mailer.js';
import { createInvitekit, type Invitekit } from '../src/index.js';

// An SMTP server that is down (refusing connections, or greeting with 421 or 554) is an outage: the email
// waits and goes out once the server is back. Only a refusal of the recipient or the message is final.
const FAST = { pollIntervalMs: 50, retryBaseMs: 50, retryMaxMs: 200, smtpTimeoutMs: 2000 };

type Row = Record<string, any>;
const outbox = async (ik: Invitekit) =>
  (
    (await ik.database.db.execute(
      sql`SELECT status, attempts, last_error FROM outbox WHERE kind = 'email'`,
    )) as unknown as {
      rows: Row[];
    }
  ).rows;

// Opening an embedded database takes seconds on a busy machine: a longer timeout than the default.
describe.each(testDatabases())('SMTP outages on $name', { timeout: 90_000 }, (kind) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function open(smtpUrl: string) {
    const created = await kind.create();
    cleanups.push(created.drop);
    const ik = await createInvitekit({
      database: created.config,
      smtpUrl,
      delivery: FAST,
    });
    cleanups.push(() => ik.close());
    const org = await ik.services.organizations.create({ name: 'Acme' });
    ik.start();
    return { ik, orgId: org.id };
  }

  const invite = (ik: Invitekit, orgId: string, email: string) =>
    ik.services.organizationInvitations.create(orgId, { emailAddress: email, role: 'org:member' });

  for (const code of [421, 554]) {
    it(`retries while the server greets with ${code}, and delivers once it greets with 220`, async () => {
      const smtp = await startSmtpServer({
        greeting: (n) => (n <= 3 ? { code, message: 'not now' } : null),
      });
      cleanups.push(smtp.close);
      const { ik, orgId } = await open(smtp.url);
      await invite(ik, orgId, 'greet@example.com');
      const mail = await waitFor('the email after the refused greetings', () => smtp.received[0]);
      expect(mail.to).toEqual(['greet@example.com']);
      const [row] = await waitFor('the delivered mark', async () => {
        const rows = await outbox(ik);
        return rows[0]?.status === 'delivered' && rows;
      });
      expect(row!.attempts).toBeGreaterThan(1);
      expect(smtp.received).toHaveLength(1);
    });
  }

  it('retries while the server refuses connections, and delivers once it is back', async () => {
    const first = await startSmtpServer();
    const port = first.port;
    await first.close();
    const { ik, orgId } = await open(`smtp://127.0.0.1:${port}`);
    await invite(ik, orgId, 'refused@example.com');
    await waitFor('a refused attempt', async () => {
      const rows = await outbox(ik);
      // A third claim: at least two attempts failed against the closed port.
      return rows[0]?.status === 'pending' && rows[0].attempts >= 3 && rows;
    });
    const smtp = await startSmtpServer({ port });
    cleanups.push(smtp.close);
    await waitFor('the email once the server is back', () => smtp.received[0]);
    const [row] = await waitFor('the delivered mark', async () => {
      const rows = await outbox(ik);
      return rows[0]?.status === 'delivered' && rows;
    });
    expect(row!.attempts).toBeGreaterThanOrEqual(3);
  });

  it('gives up at once on a recipient refusal (550)', async () => {
    const smtp = await startSmtpServer({
      policy: (to) => (to.startsWith('nobody') ? { code: 550, message: 'no such user' } : null),
    });
    cleanups.push(smtp.close);
    const { ik, orgId } = await open(smtp.url);
    await invite(ik, orgId, 'nobody@example.com');
    const [row] = await waitFor('the failed mark', async () => {
      const rows = await outbox(ik);
      return rows[0]?.status === 'failed' && rows;
    });
    expect(row).toMatchObject({ attempts: 1 });
    expect(row!.last_error).toContain('550');
  });
});

describe('isPermanent', () => {
  // nodemailer's error shapes (code, command, responseCode), as its SMTP connection builds them.
  const smtpError = (code: string, command: string, responseCode?: number) =>
    Object.assign(new Error('x'), { code, command, responseCode, permanent: (responseCode ?? 0) >= 500 });
  it.each([
    ['a 554 greeting', smtpError('EPROTOCOL', 'CONN', 554), false],
    ['a 421 greeting', smtpError('EPROTOCOL', 'CONN', 421), false],
    ['a refused connection', smtpError('ESOCKET', 'CONN'), false],
    ['a timeout', smtpError('ETIMEDOUT', 'CONN'), false],
    ['a failed login', smtpError('EAUTH', 'AUTH PLAIN', 535), false],
    ['a refused sender', smtpError('EENVELOPE', 'MAIL FROM', 550), false],
    ['a refused recipient', smtpError('EENVELOPE', 'RCPT TO', 550), true],
    ['a deferred recipient', smtpError('EENVELOPE', 'RCPT TO', 451), false],
    ['a refused message', smtpError('EMESSAGE', 'DATA', 554), true],
    ['a message too big for the server', smtpError('EMESSAGE', 'MAIL FROM'), true],
    ['an invalid recipient address', smtpError('EENVELOPE', 'API'), true],
    ['a webhook endpoint gone', Object.assign(new Error('x'), { permanent: true }), true],
    ['a plain error', new Error('x'), false],
  ])('%s: %s', (_what, err, permanent) => {
    expect(isPermanent(err)).toBe(permanent);
  });
});
