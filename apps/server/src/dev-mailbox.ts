import { type DevMailer, escapeHtml } from '@invitekit/core';
import { Router } from 'express';

/**
 * The development mailbox: what the development mailer kept, newest first. `GET /dev/mailbox` is a page
 * with each message's link; `GET /dev/mailbox.json` is `[{ to, subject, text, html, link, sent_at }]`
 * (browser tests read invitation emails from it). Only served when no mailer is configured and
 * NODE_ENV is not production: the links hold live accept tokens.
 */
export function devMailboxRouter(mailer: DevMailer): Router {
  const router = Router();
  router.get('/dev/mailbox.json', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('access-control-allow-origin', '*');
    res.json(
      mailer.messages().map((m) => ({
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        link: m.link ?? null,
        sent_at: m.sentAt,
      })),
    );
  });
  router.get('/dev/mailbox', (_req, res) => {
    const items = mailer
      .messages()
      .map(
        (m) => `<li>
<div class="meta">${escapeHtml(new Date(m.sentAt).toISOString())} · to <b>${escapeHtml(m.to)}</b></div>
<div class="subject">${escapeHtml(m.subject)}</div>
${m.link ? `<a href="${escapeHtml(m.link)}">${escapeHtml(m.link)}</a>` : ''}
<details><summary>text</summary><pre>${escapeHtml(m.text)}</pre></details>
</li>`,
      )
      .join('\n');
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(`<!doctype html>
<html><head><meta charset="utf-8"><title>Invitekit dev mailbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem}li{margin:0 0 1.2rem;list-style:none;border-bottom:1px solid #ddd;padding-bottom:1rem}.meta{color:#666;font-size:.85rem}.subject{font-weight:600;margin:.3rem 0}a{word-break:break-all}pre{white-space:pre-wrap}</style>
</head><body>
<h1>Dev mailbox</h1>
<p>Emails the development mailer kept (newest first). Set <code>SMTP_URL</code> to send real email.</p>
<ul>${items || '<li>No messages yet.</li>'}</ul>
</body></html>
`);
  });
  return router;
}
