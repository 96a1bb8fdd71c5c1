import type { JoinLinkPreview } from '@invitekit/core';
import { html } from './html.js';
import { date, layout, messageView, signedInAs, t, tText, type ViewContext } from './views.js';

// Join links on the hosted accept page (Invitekit extension): the same page answers `?join_token=`.
// GET shows what the link offers (never uses it); a signed-in person joins with a POST (intent `join`).
// Every string comes from the page's catalogs (messages.ts, `page.joinLink.*`), in the configured locale.

/** The query and form field carrying a join token. */
export const JOIN_TOKEN_FIELD = 'join_token';

const STATUS_KEY: Record<Exclude<JoinLinkPreview['status'], 'active'>, string> = {
  revoked: 'page.joinLink.revoked',
  expired: 'page.joinLink.expired',
  used_up: 'page.joinLink.usedUp',
};

/** What the link offers, and the join button (or sign-in) for the visitor. */
export function joinPreviewView(
  ctx: ViewContext,
  p: JoinLinkPreview,
  signIn: ReturnType<typeof html> | string,
) {
  const name = p.organization.name;
  const facts = html`<dl>
<div><dt>${t(ctx, 'page.organization')}</dt><dd>${name}</dd></div>
<div><dt>${t(ctx, 'page.role')}</dt><dd>${p.roleName}</dd></div>
${p.allowedEmailDomains.length ? html`<div><dt>${t(ctx, 'page.joinLink.domains')}</dt><dd>${p.allowedEmailDomains.join(', ')}</dd></div>` : ''}
${p.expiresAt ? html`<div><dt>${t(ctx, p.status === 'expired' ? 'page.expired' : 'page.expires')}</dt><dd>${date(ctx, p.expiresAt)}</dd></div>` : ''}
</dl>`;
  let actions: ReturnType<typeof html>;
  if (p.status !== 'active') {
    actions = html`<p class="notice error" role="alert">${t(ctx, STATUS_KEY[p.status])}</p>`;
  } else if (!ctx.user) {
    actions = html`<p>${t(ctx, 'page.joinLink.signInPrompt')}</p><div class="actions">${signIn}</div>`;
  } else {
    actions = html`<div class="actions"><form method="post" action="${ctx.path}">
<input type="hidden" name="csrf" value="${ctx.csrf}">
<input type="hidden" name="${JOIN_TOKEN_FIELD}" value="${ctx.token ?? ''}">
<input type="hidden" name="intent" value="join">
<button type="submit" class="primary">${t(ctx, p.requireApproval ? 'page.joinLink.ask' : 'page.joinLink.join')}</button>
</form></div>
${signedInAs(ctx)}`;
  }
  const lead = t(ctx, 'page.joinLink.lead', {
    name,
    role: p.roleName,
    approval: p.requireApproval ? 'yes' : 'no',
  });
  return layout(
    tText(ctx, 'page.join', { target: name }),
    html`<p class="eyebrow">${t(ctx, 'page.joinLink.eyebrow')}</p>
<h1>${t(ctx, 'page.join', { target: name })}</h1>
<p class="lead">${lead}</p>
${facts}${actions}`,
    ctx,
  );
}

/** After a join: a member now, or a request waiting for an admin. */
export const joinedView = (ctx: ViewContext, name: string, pending: boolean) =>
  pending
    ? messageView(
        ctx,
        tText(ctx, 'page.joinLink.requested.title'),
        tText(ctx, 'page.joinLink.requested.text', { name }),
        'ok',
      )
    : messageView(
        ctx,
        tText(ctx, 'page.joined.title', { name }),
        tText(ctx, 'page.joined.organization', { name, hasRole: 'no', role: '' }),
        'ok',
      );

/** The first error of a core failure, as the page reads it. */
interface PageError {
  code?: string;
  meta?: Record<string, unknown>;
}

/** Join-link failures as pages; null for codes the invitation flow already explains. */
export function joinFailure(ctx: ViewContext, error: PageError | undefined) {
  const refused = (status: number, text: string) => ({
    status,
    body: messageView(ctx, tText(ctx, 'page.joinLink.refused.title'), text),
  });
  switch (error?.code) {
    case 'join_link_token_invalid':
      return {
        status: 404,
        body: messageView(
          ctx,
          tText(ctx, 'page.joinLink.invalid.title'),
          tText(ctx, 'page.joinLink.invalid.text'),
        ),
      };
    case 'join_link_not_active': {
      const status = error.meta?.status as keyof typeof STATUS_KEY | undefined;
      return refused(400, tText(ctx, STATUS_KEY[status ?? 'revoked'] ?? STATUS_KEY.revoked));
    }
    case 'join_link_email_not_allowed': {
      const domains = (error.meta?.allowed_email_domains as string[] | undefined) ?? [];
      const text = tText(ctx, 'page.joinLink.emailNotAllowed', {
        hasDomains: domains.length ? 'yes' : 'no',
        domains: domains.join(', '),
      });
      return refused(403, text);
    }
    case 'duplicate_record':
      return refused(400, tText(ctx, 'page.joinLink.alreadyUsed'));
    case 'organization_membership_request_already_pending':
      return {
        status: 400,
        body: messageView(
          ctx,
          tText(ctx, 'page.joinLink.alreadyRequested.title'),
          tText(ctx, 'page.joinLink.alreadyRequested.text'),
          'info',
        ),
      };
    default:
      return null;
  }
}
