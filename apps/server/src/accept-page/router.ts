import type { AuthenticatedUser, Catalogs, InvitationPreview, Invitekit } from '@invitekit/core';
import { InvitekitError, Messages } from '@invitekit/core';
import { stringifySetCookie } from 'cookie';
import express, { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { ACCEPT_PAGE_PATH, type AcceptPageConfig } from '../accept-page-env.js';
import { CSRF_COOKIE, csrfToken, csrfValid, newCsrfNonce, sameOrigin } from './csrf.js';
import { JOIN_TOKEN_FIELD, joinedView, joinFailure, joinPreviewView } from './join-links.js';
import { pageCatalogs } from './messages.js';
import { cookiesOf, DEV_SESSION_COOKIE, PageSessions, type PageUser } from './session.js';
import { pageKey, seal, unseal } from './signing.js';
import { ICON, STYLES, STYLES_FILE } from './styles.js';
import { messageView, previewView, signInOptions, tText, type ViewContext } from './views.js';

export interface AcceptPageOptions {
  config: AcceptPageConfig;
  invitekit: Invitekit;
  /** The server's public base URL (INVITEKIT_PUBLIC_URL or where it listens). */
  publicUrl: string;
  /** Backend API keys; the page's signing key is derived from the first. */
  secretKeys?: string[];
  /** Origins the page may send people to besides its own (INVITEKIT_REDIRECT_ORIGINS). */
  redirectOrigins?: string[];
  /** Verifies the host's session JWT (the server's JWT settings); null when none are configured. */
  verify: ((token: string) => Promise<AuthenticatedUser | null>) | null;
  log: Logger;
  /** The configured locale (`locale`), for pages about no invitation. Default `en`. */
  locale?: string;
  /** The host's catalogs (`messages`): they override the page's own, key by key. */
  messages?: Catalogs;
}

/** Where the person goes after a successful POST: sealed into the success page's URL. */
interface Done {
  outcome: 'accepted' | 'declined';
  kind: 'organization' | 'application';
  name: string;
  role: string | null;
  /** The invitation's locale, so the success page speaks it too. */
  locale?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const one = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) ? one(v[0]) : undefined;

/**
 * The hosted accept page (Invitekit extension), for hosts without their own. GET shows what the link
 * invites to and never uses it up; accepting, declining and the development sign-in are POSTs with a
 * CSRF token. Every decision is core's (`acceptance.preview`, `acceptToken`, `declineToken`): this only
 * renders HTML. No script, a strict CSP, and `Referrer-Policy: no-referrer` (the URL holds the token).
 */
export function acceptPageRouter(options: AcceptPageOptions): Router {
  const { config, invitekit } = options;
  const { services } = invitekit;
  // The page reads and uses tokens as `tickets/preview` and `tickets/accept` do, under the same per-client limit.
  const limitTokenRequest = (req: Request) =>
    invitekit.limitTokenRequest({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
  const publicUrl = new URL(options.publicUrl);
  const publicOrigin = publicUrl.origin;
  const path = `${publicUrl.pathname.replace(/\/+$/, '')}${ACCEPT_PAGE_PATH}`;
  const secure = publicUrl.protocol === 'https:';
  const key = pageKey(options.secretKeys);
  const messages = new Messages({ locale: options.locale, messages: options.messages, base: [pageCatalogs] });

  // The page only ever sends people to its own origin or an allowed one (no open redirects).
  const allowedOrigins = new Set([
    publicOrigin,
    ...(options.redirectOrigins ?? []).map((o) => new URL(o).origin),
  ]);
  for (const [name, value] of [
    ['INVITEKIT_SIGN_IN_URL', config.signInUrl],
    ['INVITEKIT_AFTER_ACCEPT_URL', config.afterAcceptUrl],
  ] as const) {
    if (value && !allowedOrigins.has(new URL(value).origin)) {
      throw new Error(
        `${name} must be on the public URL's origin (${publicOrigin}) or in INVITEKIT_REDIRECT_ORIGINS, got ${value}`,
      );
    }
  }
  const formTargets = [...allowedOrigins].filter((o) => o !== publicOrigin);
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    // Form posts answer with redirects: to the sign-in page, the invitation's redirect_url, the after-accept URL.
    `form-action 'self'${formTargets.map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

  const sessions = new PageSessions({
    key,
    cookieName: config.sessionCookie,
    verify: options.verify,
    devSignIn: config.devSignIn,
    services,
    now: Date.now,
  });

  const pageUrl = (token: string | null, field = 'invitation_token') => {
    const url = new URL(`${publicOrigin}${path}`);
    if (token) url.searchParams.set(field, token);
    return url.toString();
  };
  const signInHref = (token: string | null, field?: string) => {
    if (!config.signInUrl) return null;
    const url = new URL(config.signInUrl);
    url.searchParams.set(config.signInReturnParam, pageUrl(token, field));
    return url.toString();
  };
  const setCookie = (res: Response, name: string, value: string, maxAge?: number) =>
    res.append(
      'set-cookie',
      stringifySetCookie({ name, value, path, httpOnly: true, sameSite: 'lax', secure, maxAge }),
    );

  const send = (res: Response, status: number, body: string) => {
    res.status(status);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', csp);
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(body);
  };

  /** The view context, with a CSRF nonce cookie set when the browser has none yet. */
  const context = (
    req: Request,
    res: Response,
    token: string | null,
    user: PageUser | null,
    tokenField = 'invitation_token',
  ): ViewContext => {
    let nonce = cookiesOf(req)[CSRF_COOKIE];
    if (!nonce) {
      nonce = newCsrfNonce();
      setCookie(res, CSRF_COOKIE, nonce);
    }
    return {
      path,
      appName: config.appName,
      csrf: csrfToken(key, nonce, user?.user.id ?? null),
      token,
      user,
      devSignIn: config.devSignIn,
      signInHref: signInHref(token, tokenField),
      tokenField,
      messages,
      locale: null,
    };
  };

  /** Every failure core can report, as a page a person understands; anything else is a bug. */
  const failure = async (res: Response, ctx: ViewContext, err: unknown) => {
    if (!(err instanceof InvitekitError)) {
      options.log.error({ err }, 'accept page: unexpected error');
      return send(res, 500, messageView(ctx, 'Something went wrong', 'Please try again in a moment.'));
    }
    const [first] = err.errors;
    const joinPage = joinFailure(ctx, first);
    if (joinPage) return send(res, joinPage.status, joinPage.body);
    const status = (first?.meta?.status as string | undefined) ?? null;
    switch (first?.code) {
      case 'invitation_token_invalid':
        return send(
          res,
          404,
          messageView(ctx, tText(ctx, 'page.invalid.title'), tText(ctx, 'page.invalid.text')),
        );
      case 'invitation_not_pending':
        if (status === 'accepted') {
          return send(
            res,
            410,
            messageView(ctx, tText(ctx, 'page.accepted.title'), tText(ctx, 'page.accepted.text'), 'info'),
          );
        }
        if (status === 'expired') {
          return send(
            res,
            410,
            messageView(ctx, tText(ctx, 'page.expired.title'), tText(ctx, 'page.expired.text')),
          );
        }
        return send(
          res,
          410,
          messageView(ctx, tText(ctx, 'page.withdrawn.title'), tText(ctx, 'page.withdrawn.text')),
        );
      case 'too_many_requests': {
        const retryAfter = first.meta?.retry_after;
        if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
        return send(
          res,
          429,
          messageView(
            ctx,
            'Too many attempts',
            'Too many invitation links were opened from here. Wait a minute and try again.',
          ),
        );
      }
      case 'invitation_email_mismatch': {
        if (ctx.token) {
          const preview = await services.acceptance.preview(ctx.token, ctx.user?.user).catch(() => null);
          if (preview) return send(res, 403, previewView(ctx, { ...preview, sentToUser: false }));
        }
        return send(
          res,
          403,
          messageView(ctx, 'This invitation is for another account', first.longMessage ?? first.message),
        );
      }
      case 'already_a_member_in_organization':
        return send(
          res,
          400,
          messageView(ctx, 'You are already a member', first.longMessage ?? first.message, 'info'),
        );
      default:
        return send(
          res,
          err.status,
          messageView(ctx, 'This invitation cannot be used', first?.longMessage ?? err.message),
        );
    }
  };

  // Mounted at ACCEPT_PAGE_PATH by the server: other requests pass one prefix check, not these routes.
  const router = Router();

  router.get(`/assets/${STYLES_FILE}`, (_req, res) => {
    res.setHeader('content-type', 'text/css; charset=utf-8');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(STYLES);
  });

  router.get('/assets/icon.svg', (_req, res) => {
    res.setHeader('content-type', 'image/svg+xml');
    res.setHeader('cache-control', 'public, max-age=86400');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(ICON);
  });

  router.get('/', async (req, res) => {
    const joinToken = one(req.query[JOIN_TOKEN_FIELD]);
    if (joinToken) {
      // A join link (Invitekit extension): what it offers; never uses it.
      const ctx = context(req, res, joinToken, await sessions.current(req), JOIN_TOKEN_FIELD);
      try {
        await limitTokenRequest(req);
        const preview = await services.joinLinks.preview(joinToken);
        return send(
          res,
          200,
          joinPreviewView(ctx, preview, signInOptions(ctx, tText(ctx, 'page.joinLink.signIn'))),
        );
      } catch (err) {
        return failure(res, ctx, err);
      }
    }
    const token = one(req.query.invitation_token) ?? null;
    const user = await sessions.current(req);
    const ctx = context(req, res, token, user);
    if (!token) {
      return send(
        res,
        400,
        messageView(
          ctx,
          'This invitation link is not valid',
          'The link has no invitation token. Open the link from your invitation email again.',
        ),
      );
    }
    let preview: InvitationPreview;
    try {
      await limitTokenRequest(req);
      preview = await services.acceptance.preview(token, user?.user);
    } catch (err) {
      return failure(res, ctx, err);
    }
    send(res, 200, previewView({ ...ctx, locale: preview.locale }, preview));
  });

  router.get('/done', async (req, res) => {
    const ctx = context(req, res, null, await sessions.current(req));
    const sealed = unseal<Done>(key, 'done', one(req.query.r));
    if (!sealed) return send(res, 400, messageView(ctx, 'Nothing to show', 'This page has expired.'));
    const done = sealed;
    const page = { ...ctx, locale: done.locale ?? null };
    if (done.outcome === 'declined') {
      return send(
        res,
        200,
        messageView(
          page,
          tText(page, 'page.declined.title'),
          tText(page, 'page.declined.text', { name: done.name }),
          'ok',
        ),
      );
    }
    const text =
      done.kind === 'organization'
        ? tText(page, 'page.joined.organization', {
            name: done.name,
            hasRole: done.role ? 'yes' : 'no',
            role: done.role ?? '',
          })
        : tText(page, 'page.joined.application', { name: done.name });
    send(res, 200, messageView(page, tText(page, 'page.joined.title', { name: done.name }), text, 'ok'));
  });

  router.post('/', express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const joinToken = one(body[JOIN_TOKEN_FIELD]) || null;
    const field = joinToken ? JOIN_TOKEN_FIELD : 'invitation_token';
    const token = joinToken ?? (one(body.invitation_token) || null);
    const user = await sessions.current(req);
    const ctx = context(req, res, token, user, field);
    const nonce = cookiesOf(req)[CSRF_COOKIE];
    if (!sameOrigin(req, publicOrigin) || !csrfValid(key, nonce, user?.user.id ?? null, one(body.csrf))) {
      return send(
        res,
        403,
        messageView(
          ctx,
          'This form has expired',
          'Your session changed, or the form came from elsewhere. Open the invitation again.',
          'error',
          {
            href: pageUrl(token, field),
            label: 'Back to the invitation',
          },
        ),
      );
    }
    const back = () => res.redirect(303, pageUrl(token, field));
    switch (one(body.intent)) {
      case 'dev-sign-in': {
        const email = one(body.email)?.trim().toLowerCase() ?? '';
        if (!config.devSignIn)
          return send(res, 404, messageView(ctx, 'Not available', 'The development sign-in is off.'));
        if (email.length > 254 || !EMAIL.test(email)) {
          return send(
            res,
            422,
            messageView(ctx, 'Enter an email address', `"${email}" is not an email address.`, 'error', {
              href: pageUrl(token, field),
              label: 'Try again',
            }),
          );
        }
        const session = await sessions.devSession(email);
        setCookie(res, DEV_SESSION_COOKIE, session.value, session.maxAge);
        return back();
      }
      case 'sign-out':
        setCookie(res, DEV_SESSION_COOKIE, '', 0);
        return back();
      case 'join': {
        if (!joinToken) return failure(res, ctx, invalidToken());
        if (!user) return res.redirect(303, signInHref(joinToken, field) ?? pageUrl(joinToken, field));
        try {
          await limitTokenRequest(req);
          const joined = await services.joinLinks.join(joinToken, user.user);
          return send(res, 200, joinedView(ctx, joined.organization.name, joined.use.status === 'pending'));
        } catch (err) {
          return failure(res, ctx, err);
        }
      }
      case 'accept':
      case 'decline': {
        if (!token) return failure(res, ctx, invalidToken());
        if (!user) return res.redirect(303, signInHref(token) ?? pageUrl(token));
        try {
          await limitTokenRequest(req);
          if (one(body.intent) === 'decline') {
            const declined = await services.acceptance.declineToken(token, user.user);
            return res.redirect(
              303,
              donePage({
                outcome: 'declined',
                kind: 'organization',
                name: declined.organization.name,
                role: null,
                locale: declined.locale,
              }),
            );
          }
          // The preview names the role for the success page (the accepted invitation has only its key).
          const preview = await services.acceptance.preview(token, user.user);
          const accepted = await services.acceptance.acceptToken(token, user.user);
          const done: Done = {
            outcome: 'accepted',
            kind: preview.kind,
            name: preview.organization?.name ?? config.appName,
            role: preview.roleName,
            locale: preview.locale,
          };
          return res.redirect(303, afterAccept(accepted.invitation.redirectUrl) ?? donePage(done));
        } catch (err) {
          return failure(res, ctx, err);
        }
      }
      default:
        return send(res, 400, messageView(ctx, 'Unknown action', 'Open the invitation again.'));
    }
  });

  const donePage = (done: Done) => `${publicOrigin}${path}/done?r=${seal(key, 'done', done)}`;
  /** The invitation's redirect_url (unless it is this page), else the configured URL; null: the success page. */
  const afterAccept = (redirectUrl: string | null) => {
    if (redirectUrl) {
      const target = new URL(redirectUrl);
      if (!(target.origin === publicOrigin && target.pathname === path)) return redirectUrl;
    }
    return config.afterAcceptUrl;
  };
  return router;
}

const invalidToken = () =>
  new InvitekitError({ code: 'invitation_token_invalid', message: 'invalid invitation link' });
