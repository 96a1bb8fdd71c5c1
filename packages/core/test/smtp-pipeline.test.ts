import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../../../test/support/smtp.js';
import { isPermanent } from '../src/delivery/mailer.js';
import { smtpMailer } from '../src/index.js';

// The mailer made from an `smtp://host:port` URL sends plain messages with its own pipelined client
// (delivery/smtp-pipeline.ts, delivery/mime.ts) and the rest with nodemailer. Both must arrive alike.
describe('the SMTP mailer against a real SMTP server', { timeout: 30_000 }, () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  const message = (to: string, over: Partial<{ subject: string; html: string; text: string }> = {}) => ({
    from: 'Acme "Invites" <invites@acme.test>',
    to,
    subject: 'Ada invited you to join Acme',
    html: '<p>Join <b>Acme</b></p>\n.starts with a dot\n<a href="https://app.example.com/accept?t=1">Accept</a>',
    text: 'Join Acme\n.starts with a dot\n..two dots\nAccept: https://app.example.com/accept?t=1',
    ...over,
  });

  for (const hidePipelining of [false, true]) {
    it(`delivers headers and bodies intact (${hidePipelining ? 'no PIPELINING: nodemailer' : 'pipelined'})`, async () => {
      const smtp = await startSmtpServer({ hidePipelining });
      cleanups.push(smtp.close);
      const mailer = smtpMailer(smtp.url);
      cleanups.push(() => mailer.close?.());
      const long = `<p>${'x'.repeat(1500)}</p>`;
      const sent = [
        message('plain@example.com'),
        // Beyond 7bit: a non-ASCII body, a line longer than SMTP allows, a non-ASCII subject.
        message('accents@example.com', { text: 'Vous êtes invité ✓', html: '<p>Vous êtes invité ✓</p>' }),
        message('long@example.com', { html: long }),
        message('subject@example.com', { subject: 'Ada vous invite à rejoindre Acme' }),
      ];
      await Promise.all(sent.map((m) => mailer.send(m)));
      expect(smtp.received).toHaveLength(sent.length);
      for (const m of sent) {
        const got = smtp.received.find((r) => r.to[0] === m.to)!;
        expect(got.from).toBe('invites@acme.test');
        expect(got.parsed.subject).toBe(m.subject);
        // nodemailer's formatting of the From header, whichever client sent it.
        expect(got.parsed.from?.value).toEqual([{ name: 'Acme Invites', address: 'invites@acme.test' }]);
        expect(got.parsed.to && 'value' in got.parsed.to && got.parsed.to.value[0]?.address).toBe(m.to);
        expect(got.parsed.text?.trim()).toBe(m.text);
        expect((got.parsed.html || '').trim()).toBe(m.html);
        expect(got.parsed.messageId).toMatch(/@acme\.test>$/);
        expect(got.parsed.date).toBeInstanceOf(Date);
      }
    });
  }

  it('a refused recipient fails that message only (permanently for 550, not for 451); the session goes on', async () => {
    const smtp = await startSmtpServer({
      policy: (address) =>
        address.startsWith('gone')
          ? { code: 550, message: 'No such user' }
          : address.startsWith('later')
            ? { code: 451, message: 'Try again later' }
            : null,
    });
    cleanups.push(smtp.close);
    // One connection: every message shares the session the refusals happen in.
    const mailer = smtpMailer(smtp.url, { maxConnections: 1 });
    cleanups.push(() => mailer.close?.());
    const results = await Promise.allSettled([
      mailer.send(message('before@example.com')),
      mailer.send(message('gone@example.com')),
      mailer.send(message('later@example.com')),
      mailer.send(message('after@example.com')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const [, gone, later] = results as PromiseRejectedResult[];
    expect(gone!.reason).toMatchObject({ command: 'RCPT TO', responseCode: 550 });
    expect(isPermanent(gone!.reason)).toBe(true);
    expect(later!.reason).toMatchObject({ command: 'RCPT TO', responseCode: 451 });
    expect(isPermanent(later!.reason)).toBe(false);
    expect(smtp.received.map((r) => r.to[0])).toEqual(['before@example.com', 'after@example.com']);
  });

  it('a server that is down fails the send as an outage (retried), and the next send reconnects', async () => {
    const smtp = await startSmtpServer();
    const port = smtp.port;
    await smtp.close();
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, { timeoutMs: 2000 });
    cleanups.push(() => mailer.close?.());
    const err = await mailer.send(message('down@example.com')).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isPermanent(err)).toBe(false);
    const back = await startSmtpServer({ port });
    cleanups.push(back.close);
    await mailer.send(message('back@example.com'));
    expect(back.received.map((r) => r.to[0])).toEqual(['back@example.com']);
  });
});
