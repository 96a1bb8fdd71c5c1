import type { InvitationPreview } from '@invitekit/core';
import { html, type Safe } from './html.js';
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
}

const DATE = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

export const date = (ms: number) =>
  html`<time datetime="${new Date(ms).toISOString()}">${DATE.format(ms)} UTC</time>`;

const personName = (p: { firstName: string | null; lastName: string | null } | null) =>
  [p?.firstName, p?.lastName].filter(Boolean).join(' ') || null;

const primaryEmail = (u: PageUser) =>
  u.user.emailAddresses.find((e) => e.verified)?.emailAddress ?? u.user.id;

/** The whole document: the page's own stylesheet, no script at all. */
export function layout(title: string, content: Safe, ctx: Pick<ViewContext, 'path'>): string {
  return `<!doctype html>${html`<html lang="en">
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
<a class="skip" href="#content">Skip to content</a>
<div class="brand" aria-hidden="true"><span class="logo">i</span>Invitations</div>
<main id="content" tabindex="-1">
${content}
</main>
<footer>Secured by Invitekit</footer>
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
${!ctx.signInHref && !ctx.devSignIn ? html`<p class="notice warn" role="status">Signing in is not set up here yet. Ask the person who invited you.</p>` : ''}`;
}

export function signedInAs(ctx: ViewContext) {
  if (!ctx.user) return '';
  return html`<div class="who"><p>Signed in as <strong data-testid="signed-in-as">${primaryEmail(ctx.user)}</strong>${
    ctx.user.source === 'dev' ? ' (development sign-in)' : ''
  }</p>${
    ctx.user.source === 'dev' && ctx.token
      ? intentForm(ctx, 'sign-out', html`<button type="submit" class="link">Sign out</button>`)
      : ''
  }</div>`;
}

/** What the invitation is for: heading, sentence, facts. */
function summary(ctx: ViewContext, p: InvitationPreview) {
  const inviter = personName(p.inviter);
  const target = p.organization?.name ?? ctx.appName;
  const facts = [
    p.organization ? html`<div><dt>Organization</dt><dd>${p.organization.name}</dd></div>` : '',
    p.roleName ? html`<div><dt>Role</dt><dd>${p.roleName}</dd></div>` : '',
    inviter ? html`<div><dt>Invited by</dt><dd>${inviter}</dd></div>` : '',
    html`<div><dt>Sent to</dt><dd>${p.emailAddress}</dd></div>`,
    html`<div><dt>${p.status === 'expired' ? 'Expired' : 'Expires'}</dt><dd>${date(p.expiresAt)}</dd></div>`,
  ];
  return html`<p class="eyebrow">Invitation</p>
<h1>Join ${target}</h1>
<p class="lead">${inviter ? html`<strong>${inviter}</strong> invited you` : 'You are invited'} to join <strong>${target}</strong>${
    p.roleName ? html` as <strong>${p.roleName}</strong>` : ''
  }.</p>
<dl>${facts}</dl>`;
}

/** The invitation, and what the visitor can do about it. */
export function previewView(ctx: ViewContext, p: InvitationPreview, problem?: string): string {
  const target = p.organization?.name ?? ctx.appName;
  let actions: Safe;
  if (p.status === 'expired') {
    actions = html`<p class="notice error" role="alert">This invitation expired. Ask ${personName(p.inviter) ?? 'the person who invited you'} to send a new one.</p>`;
  } else if (!ctx.user) {
    actions = html`<p>Sign in with the address this invitation was sent to.</p>
<div class="actions">${signInOptions(ctx, 'Sign in to accept')}</div>`;
  } else if (p.sentToUser === false) {
    actions = html`<div class="notice error" role="alert"><p><strong>This invitation is for another account.</strong></p>
<p>It was sent to ${p.emailAddress}, and you are signed in as ${primaryEmail(ctx.user)}. Sign in with the invited address to accept it; the invitation stays open for it.</p></div>
${signedInAs(ctx)}
<div class="actions">${ctx.signInHref ? html`<a class="button secondary" href="${ctx.signInHref}">Sign in with another account</a>` : ''}</div>`;
  } else {
    actions = html`${problem ? html`<p class="notice error" role="alert">${problem}</p>` : ''}
<div class="actions">
${intentForm(ctx, 'accept', html`<button type="submit" class="primary">Accept invitation</button>`)}
${p.kind === 'organization' ? intentForm(ctx, 'decline', html`<button type="submit" class="secondary">Decline</button>`) : ''}
</div>
${signedInAs(ctx)}`;
  }
  return layout(`Invitation to ${target}`, html`${summary(ctx, p)}${actions}`, ctx);
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
    html`<p class="eyebrow">Invitation</p>
<h1>${title}</h1>
<p class="${tone === 'info' ? 'lead' : `notice ${tone}`}" role="${tone === 'error' ? 'alert' : 'status'}">${text}</p>
${next ? html`<div class="actions"><a class="button primary" href="${next.href}">${next.label}</a></div>` : ''}
${signedInAs(ctx)}`,
    ctx,
  );
}
