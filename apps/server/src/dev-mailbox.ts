import { isIPv4 } from 'node:net';
import {
  type DevMailer,
  escapeHtml,
  InvitekitError,
  type KeptMessage,
  securityHeaders,
  toErrorResponse,
} from '@invitekit/core';
import { type NextFunction, type Request, type Response, Router } from 'express';

/** Whether a socket's peer address is this machine (127.0.0.0/8 or ::1, also IPv4-mapped). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || (isIPv4(v4) && v4.startsWith('127.'));
}

/**
 * Whether the Host header names this machine: `localhost` (and `*.localhost`), a 127.x address or `[::1]`.
 * A page on another site that rebinds its own name to 127.0.0.1 (DNS rebinding) sends its own name here.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    (isIPv4(hostname) && hostname.startsWith('127.'))
  );
}

const forbidden = () =>
  new InvitekitError({
    code: 'authorization_invalid',
    message: 'forbidden',
    longMessage:
      'The development mailbox answers only requests from this machine, to localhost or a loopback address',
  });

/**
 * The mailbox page's policy: nothing runs, nothing loads but inline styles and data: images, no framing.
 * The email itself is shown in a sandboxed `srcdoc` iframe, which inherits this policy on top of its
 * sandbox (no scripts, an opaque origin); its links open outside, in a new tab.
 */
const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const pageHeaders = { ...securityHeaders, 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store' };

/** The email's HTML for a sandboxed iframe: links open in a new tab, out of the sandbox. */
const emailDocument = (m: KeptMessage) => `<!doctype html><base target="_blank">${m.html}`;

const item = (m: KeptMessage) => `<li>
<div class="meta">${escapeHtml(new Date(m.sentAt).toISOString())} · to <b>${escapeHtml(m.to)}</b></div>
<div class="subject">${escapeHtml(m.subject)}</div>
${m.link ? `<a href="${escapeHtml(m.link)}" rel="noreferrer">${escapeHtml(m.link)}</a>` : ''}
<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" title="${escapeHtml(
  `Email to ${m.to}: ${m.subject}`,
)}" srcdoc="${escapeHtml(emailDocument(m))}"></iframe>
<details><summary>text</summary><pre>${escapeHtml(m.text)}</pre></details>
</li>`;

/**
 * The development mailbox: what the development mailer kept, newest first. `GET /dev/mailbox` is a page
 * showing each message (its HTML rendered in a sandboxed iframe) and its link; `GET /dev/mailbox.json` is
 * `[{ to, subject, text, html, link, sent_at }]` (browser tests read invitation emails from it).
 *
 * The links hold live accept tokens, so: the server mounts it only with the development mailer and
 * NODE_ENV other than production; it answers only loopback clients that name a loopback host (403
 * otherwise, also against DNS rebinding); and it sends no CORS header, so other sites' pages cannot read it.
 */
export function devMailboxRouter(mailer: DevMailer): Router {
  const router = Router();
  router.use(['/dev/mailbox', '/dev/mailbox.json'], (req: Request, res: Response, next: NextFunction) => {
    if (isLoopbackAddress(req.socket.remoteAddress) && isLoopbackHost(req.headers.host)) return next();
    const response = toErrorResponse(forbidden());
    res.writeHead(response.status, response.headers).end(JSON.stringify(response.body));
  });
  router.get('/dev/mailbox.json', (_req, res) => {
    const body = mailer.messages().map((m) => ({
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      link: m.link ?? null,
      sent_at: m.sentAt,
    }));
    res
      .writeHead(200, {
        ...securityHeaders,
        'cache-control': 'no-store',
        'content-type': 'application/json',
      })
      .end(JSON.stringify(body));
  });
  router.get('/dev/mailbox', (_req, res) => {
    const items = mailer.messages().map(item).join('\n');
    res.writeHead(200, { ...pageHeaders, 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invitekit dev mailbox</title>
<meta name="referrer" content="no-referrer">
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem}li{margin:0 0 1.2rem;list-style:none;border-bottom:1px solid #ddd;padding-bottom:1rem}.meta{color:#666;font-size:.85rem}.subject{font-weight:600;margin:.3rem 0}a{word-break:break-all}pre{white-space:pre-wrap}iframe{display:block;width:100%;height:360px;margin:.6rem 0;border:1px solid #ddd;border-radius:6px;background:#fff}</style>
</head><body>
<h1>Dev mailbox</h1>
<p>Emails the development mailer kept (newest first). Set <code>SMTP_URL</code> to send real email.</p>
<ul>${items || '<li>No messages yet.</li>'}</ul>
</body></html>
`);
  });
  return router;
}
