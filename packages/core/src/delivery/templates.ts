import type { Metadata } from '../domain/metadata.js';
import { escapeHtml, type Messages } from './locale.js';

export { escapeHtml };

/** An email as a template renders it. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** What an organization invitation email is made of. Values are raw: a template must escape them. */
export interface OrganizationInvitationEmailVars {
  invitationId: string;
  emailAddress: string;
  organization: { id: string; name: string; slug: string };
  /** Null when the invitation was created without an inviter. */
  inviter: { userId: string; name: string | null; identifier: string | null } | null;
  role: { key: string; name: string };
  /** The accept link; it holds the accept token. */
  link: string;
  /** Unix milliseconds. */
  expiresAt: number;
  publicMetadata: Metadata;
  /** Whether this is a resend of an earlier invitation email. */
  resent: boolean;
  /**
   * The BCP 47 locale to write in (Invitekit extension): the invitation's, else the configured `locale`.
   * The built-in templates render their catalogs in it; a template of your own may too.
   */
  locale: string;
}

/** What an application invitation email is made of. Values are raw: a template must escape them. */
export interface ApplicationInvitationEmailVars {
  invitationId: string;
  emailAddress: string;
  link: string;
  expiresAt: number;
  publicMetadata: Metadata;
  resent: boolean;
  /** As OrganizationInvitationEmailVars.locale. */
  locale: string;
}

export interface EmailTemplates {
  organizationInvitation?(vars: OrganizationInvitationEmailVars): RenderedEmail;
  applicationInvitation?(vars: ApplicationInvitationEmailVars): RenderedEmail;
  /** Invitekit extension: the reminder of a pending organization invitation (`resent` is false). */
  organizationInvitationReminder?(vars: OrganizationInvitationEmailVars): RenderedEmail;
  /** Invitekit extension: the reminder of a pending application invitation (`resent` is false). */
  applicationInvitationReminder?(vars: ApplicationInvitationEmailVars): RenderedEmail;
}

export interface EmailOptions {
  /** The sender, e.g. `Acme <invitations@acme.com>`. Default `Invitekit <no-reply@invitekit.localhost>`. */
  from?: string;
  /** Replace the built-in templates, one or both. */
  templates?: EmailTemplates;
  /** Name of the application in application invitation emails. Default "the application". */
  appName?: string;
}

/** A subject is one header line: no line breaks, whatever a name contains. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

function layout(
  heading: string,
  paragraphs: string[],
  link: string,
  button: string,
  footer: string,
  labels: { lang: string; linkFallback: string },
) {
  const href = escapeHtml(link);
  return `<!doctype html>
<html lang="${escapeHtml(labels.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${heading}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="480" cellspacing="0" cellpadding="0" style="max-width:480px;background:#fff;border-radius:8px;padding:32px">
<tr><td>
<h1 style="font-size:20px;margin:0 0 16px">${heading}</h1>
${paragraphs.map((p) => `<p style="font-size:15px;line-height:22px;margin:0 0 16px">${p}</p>`).join('\n')}
<p style="margin:24px 0"><a href="${href}" style="display:inline-block;background:#2f6fed;color:#fff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600">${button}</a></p>
<p style="font-size:13px;line-height:20px;color:#57606a;margin:0 0 8px">${labels.linkFallback} <a href="${href}" style="color:#2f6fed;word-break:break-all">${href}</a></p>
<p style="font-size:13px;line-height:20px;color:#57606a;margin:0">${footer}</p>
</td></tr></table>
</td></tr></table>
</body></html>
`;
}

/**
 * An email in `locale` from the catalogs: `<kind>.subject`, `<kind>.heading`, `<kind>.body`, then the
 * shared `email.*` keys. Every kind of invitation email (and a reminder, one more kind) renders through it.
 */
export function catalogEmail(
  messages: Messages,
  kind: string,
  vars: { locale: string; link: string; emailAddress: string; expiresAt: number },
  values: Record<string, string>,
): RenderedEmail {
  const { locale, link } = vars;
  const all = { ...values, link, emailAddress: vars.emailAddress, expiresAt: vars.expiresAt };
  const footer = messages.text(locale, 'email.footer', all);
  const html = layout(
    messages.html(locale, `${kind}.heading`, all),
    [messages.html(locale, `${kind}.body`, all)],
    link,
    messages.html(locale, 'email.button', all),
    escapeHtml(footer),
    {
      lang: messages.writtenIn(locale, `${kind}.body`),
      linkFallback: messages.html(locale, 'email.linkFallback'),
    },
  );
  const text = `${messages.text(locale, `${kind}.body`, all)}

${messages.text(locale, 'email.acceptText', all)}

${footer}
`;
  return { subject: oneLine(messages.text(locale, `${kind}.subject`, all)), html, text };
}

/** The catalog values of an organization invitation email, shared by the invitation and its reminder. */
function organizationValues(vars: OrganizationInvitationEmailVars): Record<string, string> {
  const inviter = vars.inviter?.name || vars.inviter?.identifier || null;
  return {
    hasInviter: inviter ? 'yes' : 'no',
    inviter: inviter ?? '',
    organization: vars.organization.name,
    role: vars.role.name,
  };
}

export function defaultOrganizationInvitationEmail(
  messages: Messages,
): (vars: OrganizationInvitationEmailVars) => RenderedEmail {
  return (vars) => catalogEmail(messages, 'organizationInvitation', vars, organizationValues(vars));
}

export function applicationInvitationEmail(
  messages: Messages,
  appName: string,
): (vars: ApplicationInvitationEmailVars) => RenderedEmail {
  return (vars) => catalogEmail(messages, 'applicationInvitation', vars, { appName });
}

// Reminder emails (Invitekit extension): their own catalog keys, in the invitation's locale. The link is
// the one the reminder issued; earlier links keep working, so the body says nothing about them.

export function defaultOrganizationInvitationReminderEmail(
  messages: Messages,
): (vars: OrganizationInvitationEmailVars) => RenderedEmail {
  return (vars) => catalogEmail(messages, 'organizationInvitationReminder', vars, organizationValues(vars));
}

export function applicationInvitationReminderEmail(
  messages: Messages,
  appName: string,
): (vars: ApplicationInvitationEmailVars) => RenderedEmail {
  return (vars) => catalogEmail(messages, 'applicationInvitationReminder', vars, { appName });
}
