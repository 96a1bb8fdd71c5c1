import { randomBytes } from 'node:crypto';
import type { EmailMessage } from './mailer.js';

/** A message ready for SMTP: its envelope and its RFC 5322 text (CRLF lines, not yet dot-stuffed). */
export interface RawMessage {
  envelope: { from: string; to: string[] };
  raw: string;
}

/** The From header line and envelope sender of one configured `from`, as nodemailer formats them. */
export interface Sender {
  header: string;
  address: string;
}

/** A plain ASCII address with no spaces, quotes or brackets: written as is in the To header. */
const PLAIN_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/;
/** Printable ASCII, tabs and line breaks: a body that can go as 7bit if its lines are short. */
const SEVEN_BIT = /^[\x20-\x7e\t\r\n]*$/;
/** SMTP's line limit, CRLF excluded. */
const MAX_LINE = 998;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** Message-IDs (and MIME boundaries): a random prefix per process and a counter, no random bytes per message. */
const ID_PREFIX = `${randomBytes(12).toString('hex')}.`;
let idCount = 0;

const crlf = (s: string) => s.replace(/\r?\n|\r/g, '\r\n');

/** Whether a line is longer than SMTP allows (a linear scan: a regular expression for it backtracks). */
function hasLongLine(s: string): boolean {
  for (let start = 0; ; ) {
    const end = s.indexOf('\n', start);
    if ((end < 0 ? s.length : end) - start > MAX_LINE) return true;
    if (end < 0) return false;
    start = end + 1;
  }
}

/** A body part's transfer encoding and text: 7bit as written when it can, base64 otherwise. */
function encodeBody(body: string): { encoding: '7bit' | 'base64'; text: string } {
  if (SEVEN_BIT.test(body) && !hasLongLine(body)) return { encoding: '7bit', text: crlf(body) };
  const b64 = Buffer.from(body, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return { encoding: 'base64', text: lines.join('\r\n') };
}

/**
 * Builds an invitation email as text, without nodemailer's MIME composer (its streams cost more CPU than
 * the rest of a send): multipart/alternative of the text and the HTML, each 7bit when it is short-lined
 * ASCII and base64 otherwise. Returns null for what this does not handle (a recipient that is not a plain
 * ASCII address, a subject beyond printable ASCII): the caller composes those with nodemailer.
 */
export function buildRawMessage(message: EmailMessage, sender: Sender, now: number): RawMessage | null {
  const { subject } = message;
  // Encoded words (non-ASCII, or text that looks like one) and folding are left to nodemailer.
  if (
    !PLAIN_ADDRESS.test(message.to) ||
    !PRINTABLE.test(subject) ||
    subject.includes('=?') ||
    subject.length > 900
  )
    return null;
  const id = `${ID_PREFIX}${(++idCount).toString(36)}`;
  const domain = sender.address.slice(sender.address.lastIndexOf('@') + 1) || 'localhost';
  const parts: string[] = [];
  for (const [type, body] of [
    ['text/plain', message.text],
    ['text/html', message.html],
  ] as const) {
    if (!body) continue;
    const { encoding, text } = encodeBody(body);
    parts.push(
      `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${text}`,
    );
  }
  if (parts.length === 0) return null;
  const boundary = `--_ik_${id}`;
  // A 7bit body could hold the boundary only by containing this random id: checked rather than assumed.
  if (parts.some((p) => p.includes(boundary))) return null;
  const head = [
    sender.header,
    `To: ${message.to}`,
    `Subject: ${subject}`,
    `Message-ID: <${id}@${domain}>`,
    `Date: ${new Date(now).toUTCString().replace(/GMT/, '+0000')}`,
    'MIME-Version: 1.0',
  ];
  const raw =
    parts.length === 1
      ? `${head.join('\r\n')}\r\n${parts[0]}\r\n`
      : `${head.join('\r\n')}\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n` +
        `--${boundary}\r\n${parts.join(`\r\n--${boundary}\r\n`)}\r\n--${boundary}--\r\n`;
  return { envelope: { from: sender.address, to: [message.to] }, raw };
}

/** The From header (folded lines included) and envelope sender nodemailer makes of a `from` value. */
export async function senderOf(from: string): Promise<Sender> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const node = new MailComposer({ from, to: 'nobody@example.com', text: '' }).compile();
  const lines = node.buildHeaders().split('\r\n');
  const first = lines.findIndex((l) => /^from:/i.test(l));
  let last = first + 1;
  while (last < lines.length && /^[ \t]/.test(lines[last]!)) last++;
  const address = node.getEnvelope().from;
  if (first < 0 || !address) throw new Error(`Invitekit: email.from ${JSON.stringify(from)} has no address`);
  return { header: lines.slice(first, last).join('\r\n'), address };
}
