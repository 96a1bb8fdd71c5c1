import type { InvitationPreview, Messages, MessageValues } from '@invitekit/core';
import { html, Safe } from './html.js';
import type { PageUser } from './session.js';
import { STYLES_FILE } from './styles.js';

/** What every view of the page needs. */
export interface ViewContext {
  /** The page's path as the browser sees it (the public URL's path + /accept-invitation). */
  path: string;
  appName: string;
  /** The CSRF token for this session's forms. */
  csrf: string;
  /** The accept token from the link, posted back with each form. */
  token: string | null;
  user: PageUser | null;
  devSignIn: boolean;
  /** The host's sign-in page, coming back here; null when none is configured. */
  signInHref: string | null;
  /** The form field the token goes back in: `invitation_token`, or `join_token` for a join link. */
  tokenField?: string;
  /** The page's catalogs (messages.ts, with the host's `messages`). */
  messages: Messages;
  /** The invitation's locale once it is known; null: the configured one. */
  locale: string | null;
}

/** A message as escaped HTML (`<b>` becomes `<strong>`), in the page's locale. */
export const t = (ctx: Pick<ViewContext, 'messages' | 'locale'>, key: string, values?: MessageValues) =>
  new Safe(ctx.messages.html(ctx.locale, key, values));

/** A message as plain text (for a title), in the page's locale. */
export const tText = (ctx: Pick<ViewContext, 'messages' | 'locale'>, key: string, values?: MessageValues) =>
  ctx.messages.text(ctx.locale, key, values);

export const date = (ctx: ViewContext, ms: number) =>
  html`<time datetime="${new Date(ms).toISOString()}">${t(ctx, 'page.expiresAt', { expiresAt: ms })}</time>`;

const personName = (p: { firstName: string | null; lastName: string | null } | null) =>
  [p?.firstName, p?.lastName].filter(Boolean).join(' ') || null;

const primaryEmail = (u: PageUser) =>
  u.user.emailAddresses.find((e) => e.verified)?.emailAddress ?? u.user.id;

/** The whole document: the page's own stylesheet, no script at all. */
export function layout(
  title: string,
  content: Safe,
  ctx: Pick<ViewContext, 'path' | 'messages' | 'locale'>,
): string {
  const lang = ctx.messages.writtenIn(ctx.locale, 'page.eyebrow');
  return `<!doctype html>${html`<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="icon" href="${`${ctx.path}/assets/icon.svg`}" type="image/svg+xml">
<link rel="stylesheet" href="${`${ctx.path}/assets/${STYLES_FILE}`}">
</head>
<body>
<a class="skip" href="#content">${t(ctx, 'page.skip')}</a>
<div class="brand" aria-hidden="true"><span class="logo">i</span>${t(ctx, 'page.brand')}</div>
<main id="content" tabindex="-1">
${content}
</main>
<footer>${t(ctx, 'page.footer')}</footer>
</body>
</html>
`}`;
}

/** A hidden-field form posting one intent back to the page. */
function intentForm(ctx: ViewContext, intent: string, button: Safe, extra?: Safe) {
  return html`<form method="post" action="${ctx.path}">
<input type="hidden" name="csrf" value="${ctx.csrf}">
<input type="hidden" name="${ctx.tokenField ?? 'invitation_token'}" value="${ctx.token ?? ''}">
<input type="hidden" name="intent" value="${intent}">
${extra}${button}
</form>`;
}

function devSignInForm(ctx: ViewContext) {
  return html`<section class="dev" aria-labelledby="dev-title">
<span class="tag">Development only</span>
<h2 id="dev-title" class="hint">Development sign-in: no password, any address. Off with <code>NODE_ENV=production</code>.</h2>
${intentForm(
  ctx,
  'dev-sign-in',
  html`<button type="submit" class="secondary">Sign in (development)</button>`,
  html`<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" spellcheck="false">`,
)}
</section>`;
}

export function signInOptions(ctx: ViewContext, label: string) {
  return html`${ctx.signInHref ? html`<a class="button primary" href="${ctx.signInHref}">${label}</a>` : ''}
${ctx.devSignIn ? devSignInForm(ctx) : ''}
${!ctx.signInHref && !ctx.devSignIn ? html`<p class="notice warn" role="status">${t(ctx, 'page.signInMissing')}</p>` : ''}`;
}

export function signedInAs(ctx: ViewContext) {
  if (!ctx.user) return '';
  return html`<div class="who"><p>${t(ctx, 'page.signedInAs')} <strong data-testid="signed-in-as">${primaryEmail(ctx.user)}</strong>${
    ctx.user.source === 'dev' ? ' (development sign-in)' : ''
  }</p>${
    ctx.user.source === 'dev' && ctx.token
      ? intentForm(
          ctx,
          'sign-out',
          html`<button type="submit" class="link">${t(ctx, 'page.signOut')}</button>`,
        )
      : ''
  }</div>`;
}

/** What the invitation is for: heading, sentence, facts. */
function summary(ctx: ViewContext, p: InvitationPreview) {
  const inviter = personName(p.inviter);
  const target = p.organization?.name ?? ctx.appName;
  const facts = [
    p.organization
      ? html`<div><dt>${t(ctx, 'page.organization')}</dt><dd>${p.organization.name}</dd></div>`
      : '',
    p.roleName ? html`<div><dt>${t(ctx, 'page.role')}</dt><dd>${p.roleName}</dd></div>` : '',
    inviter ? html`<div><dt>${t(ctx, 'page.invitedBy')}</dt><dd>${inviter}</dd></div>` : '',
    html`<div><dt>${t(ctx, 'page.sentTo')}</dt><dd>${p.emailAddress}</dd></div>`,
    html`<div><dt>${t(ctx, p.status === 'expired' ? 'page.expired' : 'page.expires')}</dt><dd>${date(ctx, p.expiresAt)}</dd></div>`,
  ];
  const lead = t(ctx, 'page.lead', {
    hasInviter: inviter ? 'yes' : 'no',
    inviter: inviter ?? '',
    target,
    hasRole: p.roleName ? 'yes' : 'no',
    role: p.roleName ?? '',
  });
  return html`<p class="eyebrow">${t(ctx, 'page.eyebrow')}</p>
<h1>${t(ctx, 'page.join', { target })}</h1>
<p class="lead">${lead}</p>
<dl>${facts}</dl>`;
}

/** The invitation, and what the visitor can do about it. */
export function previewView(ctx: ViewContext, p: InvitationPreview, problem?: string): string {
  const target = p.organization?.name ?? ctx.appName;
  let actions: Safe;
  if (p.status === 'expired') {
    const inviter = personName(p.inviter);
    actions = html`<p class="notice error" role="alert">${t(ctx, 'page.expiredNotice', {
      hasInviter: inviter ? 'yes' : 'no',
      inviter: inviter ?? '',
    })}</p>`;
  } else if (!ctx.user) {
    actions = html`<p>${t(ctx, 'page.signInPrompt')}</p>
<div class="actions">${signInOptions(ctx, tText(ctx, 'page.signInToAccept'))}</div>`;
  } else if (p.sentToUser === false) {
    actions = html`<div class="notice error" role="alert"><p><strong>${t(ctx, 'page.otherAccount')}</strong></p>
<p>${t(ctx, 'page.otherAccountText', { sentTo: p.emailAddress, signedInAs: primaryEmail(ctx.user) })}</p></div>
${signedInAs(ctx)}
<div class="actions">${ctx.signInHref ? html`<a class="button secondary" href="${ctx.signInHref}">${t(ctx, 'page.otherAccountButton')}</a>` : ''}</div>`;
  } else {
    actions = html`${problem ? html`<p class="notice error" role="alert">${problem}</p>` : ''}
<div class="actions">
${intentForm(ctx, 'accept', html`<button type="submit" class="primary">${t(ctx, 'page.accept')}</button>`)}
${p.kind === 'organization' ? intentForm(ctx, 'decline', html`<button type="submit" class="secondary">${t(ctx, 'page.decline')}</button>`) : ''}
</div>
${signedInAs(ctx)}`;
  }
  return layout(tText(ctx, 'page.title', { target }), html`${summary(ctx, p)}${actions}`, ctx);
}

/** A state with nothing to do here: invalid, used up, withdrawn, already a member, a stale form. */
export function messageView(
  ctx: ViewContext,
  title: string,
  text: string,
  tone: 'error' | 'ok' | 'info' = 'error',
  next?: { href: string; label: string },
): string {
  return layout(
    title,
    html`<p class="eyebrow">${t(ctx, 'page.eyebrow')}</p>
<h1>${title}</h1>
<p class="${tone === 'info' ? 'lead' : `notice ${tone}`}" role="${tone === 'error' ? 'alert' : 'status'}">${text}</p>
${next ? html`<div class="actions"><a class="button primary" href="${next.href}">${next.label}</a></div>` : ''}
${signedInAs(ctx)}`,
    ctx,
  );
}
