/**
 * The built-in message catalogs of invitation emails, in ICU MessageFormat (intl-messageformat). Keys are
 * shared by every email: each kind of email (an invitation, a reminder) has its own `<kind>.subject`,
 * `<kind>.heading` and `<kind>.body` and reuses the `email.*` keys. `<b>…</b>` marks what an HTML email
 * sets in bold; `{expiresAt, date, expiry}` is the expiry in the invitation's locale (UTC).
 *
 * Host catalogs (the `messages` option) override these key by key, and may add locales.
 */
export type Catalog = Record<string, string>;
export type Catalogs = Record<string, Catalog>;

const en: Catalog = {
  'organizationInvitation.subject':
    "{hasInviter, select, yes {{inviter} invited you to join {organization}} other {You're invited to join {organization}}}",
  'organizationInvitation.heading': 'Join {organization}',
  'organizationInvitation.body':
    '{hasInviter, select, yes {{inviter} invited you} other {You have been invited}} to join <b>{organization}</b> as <b>{role}</b>.',
  'applicationInvitation.subject': "You're invited to join {appName}",
  'applicationInvitation.heading': 'Join {appName}',
  'applicationInvitation.body': 'You have been invited to join <b>{appName}</b>.',
  'organizationInvitationReminder.subject':
    "{hasInviter, select, yes {Reminder: {inviter} invited you to join {organization}} other {Reminder: you're invited to join {organization}}}",
  'organizationInvitationReminder.heading': 'Your invitation to {organization} is waiting',
  'organizationInvitationReminder.body':
    '{hasInviter, select, yes {{inviter} invited you} other {You have been invited}} to join <b>{organization}</b> as <b>{role}</b>, and the invitation is still open.',
  'applicationInvitationReminder.subject': "Reminder: you're invited to join {appName}",
  'applicationInvitationReminder.heading': 'Your invitation to {appName} is waiting',
  'applicationInvitationReminder.body':
    'You have been invited to join <b>{appName}</b>, and the invitation is still open.',
  'email.button': 'Accept invitation',
  'email.acceptText': 'Accept the invitation: {link}',
  'email.linkFallback': 'Or open this link:',
  'email.footer':
    'This invitation was sent to {emailAddress} and expires on {expiresAt, date, expiry} UTC. If you were not expecting it, you can ignore this email.',
};

const fr: Catalog = {
  'organizationInvitation.subject':
    '{hasInviter, select, yes {{inviter} vous invite à rejoindre {organization}} other {Vous êtes invité·e à rejoindre {organization}}}',
  'organizationInvitation.heading': 'Rejoindre {organization}',
  'organizationInvitation.body':
    '{hasInviter, select, yes {{inviter} vous invite} other {Vous êtes invité·e}} à rejoindre <b>{organization}</b> en tant que <b>{role}</b>.',
  'applicationInvitation.subject': 'Vous êtes invité·e à rejoindre {appName}',
  'applicationInvitation.heading': 'Rejoindre {appName}',
  'applicationInvitation.body': 'Vous êtes invité·e à rejoindre <b>{appName}</b>.',
  'organizationInvitationReminder.subject':
    '{hasInviter, select, yes {Rappel : {inviter} vous invite à rejoindre {organization}} other {Rappel : vous êtes invité·e à rejoindre {organization}}}',
  'organizationInvitationReminder.heading': 'Votre invitation à {organization} vous attend',
  'organizationInvitationReminder.body':
    '{hasInviter, select, yes {{inviter} vous invite} other {Vous êtes invité·e}} à rejoindre <b>{organization}</b> en tant que <b>{role}</b>, et l’invitation est toujours ouverte.',
  'applicationInvitationReminder.subject': 'Rappel : vous êtes invité·e à rejoindre {appName}',
  'applicationInvitationReminder.heading': 'Votre invitation à {appName} vous attend',
  'applicationInvitationReminder.body':
    'Vous êtes invité·e à rejoindre <b>{appName}</b>, et l’invitation est toujours ouverte.',
  'email.button': 'Accepter l’invitation',
  'email.acceptText': 'Accepter l’invitation : {link}',
  'email.linkFallback': 'Ou ouvrez ce lien :',
  'email.footer':
    'Cette invitation a été envoyée à {emailAddress} et expire le {expiresAt, date, expiry} UTC. Si vous ne l’attendiez pas, vous pouvez ignorer cet e-mail.',
};

const de: Catalog = {
  'organizationInvitation.subject':
    '{hasInviter, select, yes {{inviter} hat Sie zu {organization} eingeladen} other {Sie wurden zu {organization} eingeladen}}',
  'organizationInvitation.heading': '{organization} beitreten',
  'organizationInvitation.body':
    '{hasInviter, select, yes {{inviter} hat Sie eingeladen} other {Sie wurden eingeladen}}, <b>{organization}</b> als <b>{role}</b> beizutreten.',
  'applicationInvitation.subject': 'Sie wurden zu {appName} eingeladen',
  'applicationInvitation.heading': '{appName} beitreten',
  'applicationInvitation.body': 'Sie wurden eingeladen, <b>{appName}</b> beizutreten.',
  'organizationInvitationReminder.subject':
    '{hasInviter, select, yes {Erinnerung: {inviter} hat Sie zu {organization} eingeladen} other {Erinnerung: Sie wurden zu {organization} eingeladen}}',
  'organizationInvitationReminder.heading': 'Ihre Einladung zu {organization} wartet',
  'organizationInvitationReminder.body':
    '{hasInviter, select, yes {{inviter} hat Sie eingeladen} other {Sie wurden eingeladen}}, <b>{organization}</b> als <b>{role}</b> beizutreten, und die Einladung ist noch offen.',
  'applicationInvitationReminder.subject': 'Erinnerung: Sie wurden zu {appName} eingeladen',
  'applicationInvitationReminder.heading': 'Ihre Einladung zu {appName} wartet',
  'applicationInvitationReminder.body':
    'Sie wurden eingeladen, <b>{appName}</b> beizutreten, und die Einladung ist noch offen.',
  'email.button': 'Einladung annehmen',
  'email.acceptText': 'Einladung annehmen: {link}',
  'email.linkFallback': 'Oder öffnen Sie diesen Link:',
  'email.footer':
    'Diese Einladung wurde an {emailAddress} gesendet und läuft am {expiresAt, date, expiry} UTC ab. Falls Sie sie nicht erwartet haben, können Sie diese E-Mail ignorieren.',
};

const es: Catalog = {
  'organizationInvitation.subject':
    '{hasInviter, select, yes {{inviter} te ha invitado a unirte a {organization}} other {Te han invitado a unirte a {organization}}}',
  'organizationInvitation.heading': 'Únete a {organization}',
  'organizationInvitation.body':
    '{hasInviter, select, yes {{inviter} te ha invitado} other {Te han invitado}} a unirte a <b>{organization}</b> como <b>{role}</b>.',
  'applicationInvitation.subject': 'Te han invitado a unirte a {appName}',
  'applicationInvitation.heading': 'Únete a {appName}',
  'applicationInvitation.body': 'Te han invitado a unirte a <b>{appName}</b>.',
  'organizationInvitationReminder.subject':
    '{hasInviter, select, yes {Recordatorio: {inviter} te ha invitado a unirte a {organization}} other {Recordatorio: te han invitado a unirte a {organization}}}',
  'organizationInvitationReminder.heading': 'Tu invitación a {organization} te espera',
  'organizationInvitationReminder.body':
    '{hasInviter, select, yes {{inviter} te ha invitado} other {Te han invitado}} a unirte a <b>{organization}</b> como <b>{role}</b>, y la invitación sigue abierta.',
  'applicationInvitationReminder.subject': 'Recordatorio: te han invitado a unirte a {appName}',
  'applicationInvitationReminder.heading': 'Tu invitación a {appName} te espera',
  'applicationInvitationReminder.body':
    'Te han invitado a unirte a <b>{appName}</b>, y la invitación sigue abierta.',
  'email.button': 'Aceptar la invitación',
  'email.acceptText': 'Aceptar la invitación: {link}',
  'email.linkFallback': 'O abre este enlace:',
  'email.footer':
    'Esta invitación se envió a {emailAddress} y caduca el {expiresAt, date, expiry} UTC. Si no la esperabas, puedes ignorar este correo.',
};

/** English, French, German and Spanish. */
export const builtInCatalogs: Catalogs = { en, fr, de, es };
