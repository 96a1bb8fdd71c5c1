import type { Metadata } from '../domain/metadata.js';

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
}

/** What an application invitation email is made of. Values are raw: a template must escape them. */
export interface ApplicationInvitationEmailVars {
  invitationId: string;
  emailAddress: string;
  link: string;
  expiresAt: number;
  publicMetadata: Metadata;
  resent: boolean;
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

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** A subject is one header line: no line breaks, whatever a name contains. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * "December 22, 2026 at 4:51 PM UTC": what Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle:
 * 'short', timeZone: 'UTC' }) writes, with plain spaces. Written out because the formatter cost a fortieth
 * of the server's time per invitation in the create benchmark.
 */
export function formatExpiry(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const minutes = String(d.getUTCMinutes()).padStart(2, '0');
  const time = `${hours % 12 || 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} at ${time} UTC`;
}

function layout(heading: string, paragraphs: string[], link: string, button: string, footer: string) {
  const href = escapeHtml(link);
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${heading}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="480" cellspacing="0" cellpadding="0" style="max-width:480px;background:#fff;border-radius:8px;padding:32px">
<tr><td>
<h1 style="font-size:20px;margin:0 0 16px">${heading}</h1>
${paragraphs.map((p) => `<p style="font-size:15px;line-height:22px;margin:0 0 16px">${p}</p>`).join('\n')}
<p style="margin:24px 0"><a href="${href}" style="display:inline-block;background:#2f6fed;color:#fff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600">${button}</a></p>
<p style="font-size:13px;line-height:20px;color:#57606a;margin:0 0 8px">Or open this link: <a href="${href}" style="color:#2f6fed;word-break:break-all">${href}</a></p>
<p style="font-size:13px;line-height:20px;color:#57606a;margin:0">${footer}</p>
</td></tr></table>
</td></tr></table>
</body></html>
`;
}

export function defaultOrganizationInvitationEmail(vars: OrganizationInvitationEmailVars): RenderedEmail {
  const org = vars.organization.name;
  const inviter = vars.inviter?.name || vars.inviter?.identifier || null;
  const subject = oneLine(
    inviter ? `${inviter} invited you to join ${org}` : `You're invited to join ${org}`,
  );
  const expires = formatExpiry(vars.expiresAt);
  const footer = `This invitation was sent to ${vars.emailAddress} and expires on ${expires}. If you were not expecting it, you can ignore this email.`;
  const invitedBy = inviter ? `${inviter} invited you` : 'You have been invited';
  const html = layout(
    `Join ${escapeHtml(org)}`,
    [
      `${escapeHtml(invitedBy)} to join <strong>${escapeHtml(org)}</strong> as <strong>${escapeHtml(vars.role.name)}</strong>.`,
    ],
    vars.link,
    'Accept invitation',
    escapeHtml(footer),
  );
  const text = `${invitedBy} to join ${org} as ${vars.role.name}.

Accept the invitation: ${vars.link}

${footer}
`;
  return { subject, html, text };
}

export function applicationInvitationEmail(
  appName: string,
): (vars: ApplicationInvitationEmailVars) => RenderedEmail {
  return (vars) => {
    const subject = oneLine(`You're invited to join ${appName}`);
    const expires = formatExpiry(vars.expiresAt);
    const footer = `This invitation was sent to ${vars.emailAddress} and expires on ${expires}. If you were not expecting it, you can ignore this email.`;
    const html = layout(
      `Join ${escapeHtml(appName)}`,
      [`You have been invited to join <strong>${escapeHtml(appName)}</strong>.`],
      vars.link,
      'Accept invitation',
      escapeHtml(footer),
    );
    const text = `You have been invited to join ${appName}.

Accept the invitation: ${vars.link}

${footer}
`;
    return { subject, html, text };
  };
}

// ---- Reminder emails (Invitekit extension) ----------------------------------------------------------
// Kept apart from the invitation emails above, with their own copy, so that the copy can move into the
// locale catalogs as it stands. The link is the invitation's current one (the reminder issued it).

export function defaultOrganizationInvitationReminderEmail(
  vars: OrganizationInvitationEmailVars,
): RenderedEmail {
  const org = vars.organization.name;
  const inviter = vars.inviter?.name || vars.inviter?.identifier || null;
  const subject = oneLine(
    inviter ? `Reminder: ${inviter} invited you to join ${org}` : `Reminder: you're invited to join ${org}`,
  );
  const expires = formatExpiry(vars.expiresAt);
  const footer = `This invitation was sent to ${vars.emailAddress} and expires on ${expires}. Earlier links to it no longer work. If you were not expecting it, you can ignore this email.`;
  const invitedBy = inviter ? `${inviter} invited you` : 'You have been invited';
  const html = layout(
    `Your invitation to ${escapeHtml(org)} is waiting`,
    [
      `${escapeHtml(invitedBy)} to join <strong>${escapeHtml(org)}</strong> as <strong>${escapeHtml(vars.role.name)}</strong>, and the invitation is still open.`,
    ],
    vars.link,
    'Accept invitation',
    escapeHtml(footer),
  );
  const text = `${invitedBy} to join ${org} as ${vars.role.name}, and the invitation is still open.

Accept the invitation: ${vars.link}

${footer}
`;
  return { subject, html, text };
}

export function applicationInvitationReminderEmail(
  appName: string,
): (vars: ApplicationInvitationEmailVars) => RenderedEmail {
  return (vars) => {
    const subject = oneLine(`Reminder: you're invited to join ${appName}`);
    const expires = formatExpiry(vars.expiresAt);
    const footer = `This invitation was sent to ${vars.emailAddress} and expires on ${expires}. Earlier links to it no longer work. If you were not expecting it, you can ignore this email.`;
    const html = layout(
      `Your invitation to ${escapeHtml(appName)} is waiting`,
      [
        `You have been invited to join <strong>${escapeHtml(appName)}</strong>, and the invitation is still open.`,
      ],
      vars.link,
      'Accept invitation',
      escapeHtml(footer),
    );
    const text = `You have been invited to join ${appName}, and the invitation is still open.

Accept the invitation: ${vars.link}

${footer}
`;
    return { subject, html, text };
  };
}
