#!/usr/bin/env node
// Email rendering benchmark: the built-in organization invitation template, rendered from the ICU
// catalogs (intl-messageformat) in several locales, as the dispatcher renders each email before sending.
//
//   npx -y pnpm@10 --filter @invitekit/core build && node bench/email-render.mjs
//
// Renders BENCH_EMAILS (default 20000) emails per locale after a warm-up, each with another expiry (so the
// date is formatted every time), and prints microseconds per email. One process, no I/O.
import { defaultOrganizationInvitationEmail, Messages } from '@invitekit/core';

const n = Number(process.env.BENCH_EMAILS ?? 20000);
const render = defaultOrganizationInvitationEmail(new Messages());
const base = {
  invitationId: 'orginv_bench',
  emailAddress: 'bob@example.com',
  organization: { id: 'org_bench', name: 'Acme', slug: 'acme' },
  inviter: { userId: 'user_bench', name: 'Ada Lovelace', identifier: null },
  role: { key: 'org:member', name: 'Member' },
  link: 'https://app.example.com/accept-invitation?invitation_token=orginv_bench.secret',
  expiresAt: Date.UTC(2026, 11, 22, 16, 51),
  publicMetadata: {},
  resent: false,
};
const results = {};
for (const locale of ['en', 'fr', 'de', 'fr-CA']) {
  for (let i = 0; i < 2000; i++) render({ ...base, locale, expiresAt: base.expiresAt + i * 60_000 });
  const start = performance.now();
  for (let i = 0; i < n; i++) render({ ...base, locale, expiresAt: base.expiresAt + i * 60_000 });
  results[locale] = Number((((performance.now() - start) * 1000) / n).toFixed(1));
}
console.log(JSON.stringify({ emails_per_locale: n, microseconds_per_email: results }));
