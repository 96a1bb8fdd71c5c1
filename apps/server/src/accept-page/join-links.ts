import type { JoinLinkPreview } from '@invitekit/core';
import { html } from './html.js';
import { date, layout, messageView, signedInAs, type ViewContext } from './views.js';

// Join links on the hosted accept page (Invitekit extension): the same page answers `?join_token=`.
// GET shows what the link offers (never uses it); a signed-in person joins with a POST (intent `join`).

/** The query and form field carrying a join token. */
export const JOIN_TOKEN_FIELD = 'join_token';

const STATUS_TEXT: Record<Exclude<JoinLinkPreview['status'], 'active'>, string> = {
  revoked: 'This join link was withdrawn by an admin of the organization.',
  expired: 'This join link has expired.',
  used_up: 'This join link has been used as many times as it allows.',
};

/** What the link offers, and the join button (or sign-in) for the visitor. */
export function joinPreviewView(
  ctx: ViewContext,
  p: JoinLinkPreview,
  signIn: ReturnType<typeof html> | string,
) {
  const name = p.organization.name;
  const facts = html`<dl>
<div><dt>Organization</dt><dd>${name}</dd></div>
<div><dt>Role</dt><dd>${p.roleName}</dd></div>
${p.allowedEmailDomains.length ? html`<div><dt>For addresses at</dt><dd>${p.allowedEmailDomains.join(', ')}</dd></div>` : ''}
${p.expiresAt ? html`<div><dt>${p.status === 'expired' ? 'Expired' : 'Expires'}</dt><dd>${date(ctx, p.expiresAt)}</dd></div>` : ''}
</dl>`;
  let actions: ReturnType<typeof html>;
  if (p.status !== 'active') {
    actions = html`<p class="notice error" role="alert">${STATUS_TEXT[p.status]}</p>`;
  } else if (!ctx.user) {
    actions = html`<p>Sign in with a verified email address to join.</p><div class="actions">${signIn}</div>`;
  } else {
    actions = html`<div class="actions"><form method="post" action="${ctx.path}">
<input type="hidden" name="csrf" value="${ctx.csrf}">
<input type="hidden" name="${JOIN_TOKEN_FIELD}" value="${ctx.token ?? ''}">
<input type="hidden" name="intent" value="join">
<button type="submit" class="primary">${p.requireApproval ? 'Ask to join' : 'Join'}</button>
</form></div>
${signedInAs(ctx)}`;
  }
  return layout(
    `Join ${name}`,
    html`<p class="eyebrow">Join link</p>
<h1>Join ${name}</h1>
<p class="lead">You can join <strong>${name}</strong> as <strong>${p.roleName}</strong>${
      p.requireApproval ? ' once an admin approves your request' : ''
    }.</p>
${facts}${actions}`,
    ctx,
  );
}

/** After a join: a member now, or a request waiting for an admin. */
export const joinedView = (ctx: ViewContext, name: string, pending: boolean) =>
  pending
    ? messageView(ctx, 'Request sent', `An admin of ${name} will review your request to join.`, 'ok')
    : messageView(ctx, `You joined ${name}`, `You are now a member of ${name}.`, 'ok');

/** Join-link failures as pages; null for codes the invitation flow already explains. */
export function joinFailure(ctx: ViewContext, code: string | undefined, longMessage: string) {
  switch (code) {
    case 'join_link_token_invalid':
      return {
        status: 404,
        body: messageView(
          ctx,
          'This join link is not valid',
          'Ask an admin of the organization for a new link.',
        ),
      };
    case 'join_link_not_active':
    case 'join_link_email_not_allowed':
    case 'duplicate_record':
      return {
        status: code === 'join_link_email_not_allowed' ? 403 : 400,
        body: messageView(ctx, 'You cannot join through this link', longMessage),
      };
    default:
      return null;
  }
}
