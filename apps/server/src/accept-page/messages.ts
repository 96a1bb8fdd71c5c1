import type { Catalogs } from '@invitekit/core';

/**
 * The hosted accept page's catalogs (ICU MessageFormat, rendered by core's `Messages`): the page renders
 * in the invitation's locale, and pages about no invitation in the configured one. The host's `messages`
 * override these key by key, as they do the email catalogs. The development sign-in stays in English: it
 * is a tool for whoever runs the server, never shown in production.
 */
export const pageCatalogs: Catalogs = {
  en: {
    'page.brand': 'Invitations',
    'page.skip': 'Skip to content',
    'page.footer': 'Secured by Invitekit',
    'page.eyebrow': 'Invitation',
    'page.title': 'Invitation to {target}',
    'page.join': 'Join {target}',
    'page.lead':
      '{hasInviter, select, yes {<b>{inviter}</b> invited you} other {You are invited}} to join <b>{target}</b>{hasRole, select, yes { as <b>{role}</b>} other {}}.',
    'page.organization': 'Organization',
    'page.role': 'Role',
    'page.invitedBy': 'Invited by',
    'page.sentTo': 'Sent to',
    'page.expires': 'Expires',
    'page.expired': 'Expired',
    'page.expiresAt': '{expiresAt, date, expiry} UTC',
    'page.expiredNotice':
      'This invitation expired. Ask {hasInviter, select, yes {{inviter}} other {the person who invited you}} to send a new one.',
    'page.signInPrompt': 'Sign in with the address this invitation was sent to.',
    'page.signInToAccept': 'Sign in to accept',
    'page.signInMissing': 'Signing in is not set up here yet. Ask the person who invited you.',
    'page.otherAccount': 'This invitation is for another account.',
    'page.otherAccountText':
      'It was sent to {sentTo}, and you are signed in as {signedInAs}. Sign in with the invited address to accept it; the invitation stays open for it.',
    'page.otherAccountButton': 'Sign in with another account',
    'page.accept': 'Accept invitation',
    'page.decline': 'Decline',
    'page.signedInAs': 'Signed in as',
    'page.signOut': 'Sign out',
    'page.declined.title': 'Invitation declined',
    'page.declined.text': 'You declined the invitation to join {name}.',
    'page.joined.title': 'You joined {name}',
    'page.joined.organization': 'You are now a member of {name}{hasRole, select, yes { as {role}} other {}}.',
    'page.joined.application': 'Your invitation to {name} is accepted.',
    'page.invalid.title': 'This invitation link is not valid',
    'page.invalid.text':
      'It may be incomplete, or a newer invitation replaced it. Ask the person who invited you to send a new one.',
    'page.accepted.title': 'Invitation already accepted',
    'page.accepted.text': 'This invitation has already been accepted; it cannot be used again.',
    'page.expired.title': 'This invitation has expired',
    'page.expired.text': 'Ask the person who invited you to send a new one.',
    'page.withdrawn.title': 'This invitation is no longer valid',
    'page.withdrawn.text':
      'It was withdrawn or declined. Ask the person who invited you if you still need access.',
  },
  fr: {
    'page.brand': 'Invitations',
    'page.skip': 'Aller au contenu',
    'page.footer': 'Sécurisé par Invitekit',
    'page.eyebrow': 'Invitation',
    'page.title': 'Invitation à rejoindre {target}',
    'page.join': 'Rejoindre {target}',
    'page.lead':
      '{hasInviter, select, yes {<b>{inviter}</b> vous invite} other {Vous êtes invité·e}} à rejoindre <b>{target}</b>{hasRole, select, yes { en tant que <b>{role}</b>} other {}}.',
    'page.organization': 'Organisation',
    'page.role': 'Rôle',
    'page.invitedBy': 'Invité·e par',
    'page.sentTo': 'Envoyée à',
    'page.expires': 'Expire le',
    'page.expired': 'Expirée le',
    'page.expiresAt': '{expiresAt, date, expiry} UTC',
    'page.expiredNotice':
      'Cette invitation a expiré. Demandez à {hasInviter, select, yes {{inviter}} other {la personne qui vous a invité·e}} de vous en envoyer une nouvelle.',
    'page.signInPrompt': 'Connectez-vous avec l’adresse à laquelle cette invitation a été envoyée.',
    'page.signInToAccept': 'Se connecter pour accepter',
    'page.signInMissing':
      'La connexion n’est pas encore configurée ici. Demandez à la personne qui vous a invité·e.',
    'page.otherAccount': 'Cette invitation est destinée à un autre compte.',
    'page.otherAccountText':
      'Elle a été envoyée à {sentTo}, et vous êtes connecté·e en tant que {signedInAs}. Connectez-vous avec l’adresse invitée pour l’accepter ; l’invitation reste ouverte.',
    'page.otherAccountButton': 'Se connecter avec un autre compte',
    'page.accept': 'Accepter l’invitation',
    'page.decline': 'Refuser',
    'page.signedInAs': 'Connecté·e en tant que',
    'page.signOut': 'Se déconnecter',
    'page.declined.title': 'Invitation refusée',
    'page.declined.text': 'Vous avez refusé l’invitation à rejoindre {name}.',
    'page.joined.title': 'Vous avez rejoint {name}',
    'page.joined.organization':
      'Vous êtes maintenant membre de {name}{hasRole, select, yes { en tant que {role}} other {}}.',
    'page.joined.application': 'Votre invitation à {name} est acceptée.',
    'page.invalid.title': 'Ce lien d’invitation n’est pas valide',
    'page.invalid.text':
      'Il est peut-être incomplet, ou une invitation plus récente l’a remplacé. Demandez à la personne qui vous a invité·e de vous en envoyer une nouvelle.',
    'page.accepted.title': 'Invitation déjà acceptée',
    'page.accepted.text': 'Cette invitation a déjà été acceptée ; elle ne peut plus servir.',
    'page.expired.title': 'Cette invitation a expiré',
    'page.expired.text': 'Demandez à la personne qui vous a invité·e de vous en envoyer une nouvelle.',
    'page.withdrawn.title': 'Cette invitation n’est plus valide',
    'page.withdrawn.text':
      'Elle a été retirée ou refusée. Demandez à la personne qui vous a invité·e si vous avez toujours besoin d’accès.',
  },
  de: {
    'page.brand': 'Einladungen',
    'page.skip': 'Zum Inhalt springen',
    'page.footer': 'Gesichert durch Invitekit',
    'page.eyebrow': 'Einladung',
    'page.title': 'Einladung zu {target}',
    'page.join': '{target} beitreten',
    'page.lead':
      '{hasInviter, select, yes {<b>{inviter}</b> hat Sie eingeladen} other {Sie wurden eingeladen}}, <b>{target}</b>{hasRole, select, yes { als <b>{role}</b>} other {}} beizutreten.',
    'page.organization': 'Organisation',
    'page.role': 'Rolle',
    'page.invitedBy': 'Eingeladen von',
    'page.sentTo': 'Gesendet an',
    'page.expires': 'Läuft ab am',
    'page.expired': 'Abgelaufen am',
    'page.expiresAt': '{expiresAt, date, expiry} UTC',
    'page.expiredNotice':
      'Diese Einladung ist abgelaufen. Bitten Sie {hasInviter, select, yes {{inviter}} other {die Person, die Sie eingeladen hat}}, eine neue zu senden.',
    'page.signInPrompt': 'Melden Sie sich mit der Adresse an, an die diese Einladung gesendet wurde.',
    'page.signInToAccept': 'Zum Annehmen anmelden',
    'page.signInMissing':
      'Die Anmeldung ist hier noch nicht eingerichtet. Fragen Sie die Person, die Sie eingeladen hat.',
    'page.otherAccount': 'Diese Einladung ist für ein anderes Konto.',
    'page.otherAccountText':
      'Sie wurde an {sentTo} gesendet, und Sie sind als {signedInAs} angemeldet. Melden Sie sich mit der eingeladenen Adresse an, um sie anzunehmen; die Einladung bleibt dafür offen.',
    'page.otherAccountButton': 'Mit einem anderen Konto anmelden',
    'page.accept': 'Einladung annehmen',
    'page.decline': 'Ablehnen',
    'page.signedInAs': 'Angemeldet als',
    'page.signOut': 'Abmelden',
    'page.declined.title': 'Einladung abgelehnt',
    'page.declined.text': 'Sie haben die Einladung zu {name} abgelehnt.',
    'page.joined.title': 'Sie sind {name} beigetreten',
    'page.joined.organization':
      'Sie sind jetzt Mitglied von {name}{hasRole, select, yes { als {role}} other {}}.',
    'page.joined.application': 'Ihre Einladung zu {name} ist angenommen.',
    'page.invalid.title': 'Dieser Einladungslink ist ungültig',
    'page.invalid.text':
      'Er ist vielleicht unvollständig, oder eine neuere Einladung hat ihn ersetzt. Bitten Sie die Person, die Sie eingeladen hat, eine neue zu senden.',
    'page.accepted.title': 'Einladung bereits angenommen',
    'page.accepted.text': 'Diese Einladung wurde bereits angenommen; sie kann nicht erneut verwendet werden.',
    'page.expired.title': 'Diese Einladung ist abgelaufen',
    'page.expired.text': 'Bitten Sie die Person, die Sie eingeladen hat, eine neue zu senden.',
    'page.withdrawn.title': 'Diese Einladung ist nicht mehr gültig',
    'page.withdrawn.text':
      'Sie wurde zurückgezogen oder abgelehnt. Fragen Sie die Person, die Sie eingeladen hat, falls Sie noch Zugang brauchen.',
  },
  es: {
    'page.brand': 'Invitaciones',
    'page.skip': 'Ir al contenido',
    'page.footer': 'Protegido por Invitekit',
    'page.eyebrow': 'Invitación',
    'page.title': 'Invitación a {target}',
    'page.join': 'Únete a {target}',
    'page.lead':
      '{hasInviter, select, yes {<b>{inviter}</b> te ha invitado} other {Te han invitado}} a unirte a <b>{target}</b>{hasRole, select, yes { como <b>{role}</b>} other {}}.',
    'page.organization': 'Organización',
    'page.role': 'Rol',
    'page.invitedBy': 'Invitado por',
    'page.sentTo': 'Enviada a',
    'page.expires': 'Caduca',
    'page.expired': 'Caducó',
    'page.expiresAt': '{expiresAt, date, expiry} UTC',
    'page.expiredNotice':
      'Esta invitación caducó. Pide a {hasInviter, select, yes {{inviter}} other {la persona que te invitó}} que te envíe otra.',
    'page.signInPrompt': 'Inicia sesión con la dirección a la que se envió esta invitación.',
    'page.signInToAccept': 'Inicia sesión para aceptar',
    'page.signInMissing':
      'El inicio de sesión aún no está configurado aquí. Pregunta a la persona que te invitó.',
    'page.otherAccount': 'Esta invitación es para otra cuenta.',
    'page.otherAccountText':
      'Se envió a {sentTo}, y has iniciado sesión como {signedInAs}. Inicia sesión con la dirección invitada para aceptarla; la invitación sigue abierta.',
    'page.otherAccountButton': 'Iniciar sesión con otra cuenta',
    'page.accept': 'Aceptar la invitación',
    'page.decline': 'Rechazar',
    'page.signedInAs': 'Sesión iniciada como',
    'page.signOut': 'Cerrar sesión',
    'page.declined.title': 'Invitación rechazada',
    'page.declined.text': 'Has rechazado la invitación a unirte a {name}.',
    'page.joined.title': 'Te has unido a {name}',
    'page.joined.organization': 'Ahora eres miembro de {name}{hasRole, select, yes { como {role}} other {}}.',
    'page.joined.application': 'Tu invitación a {name} está aceptada.',
    'page.invalid.title': 'Este enlace de invitación no es válido',
    'page.invalid.text':
      'Puede estar incompleto, o una invitación más reciente lo sustituyó. Pide a la persona que te invitó que te envíe otra.',
    'page.accepted.title': 'Invitación ya aceptada',
    'page.accepted.text': 'Esta invitación ya se aceptó; no puede volver a usarse.',
    'page.expired.title': 'Esta invitación ha caducado',
    'page.expired.text': 'Pide a la persona que te invitó que te envíe otra.',
    'page.withdrawn.title': 'Esta invitación ya no es válida',
    'page.withdrawn.text':
      'Se retiró o se rechazó. Pregunta a la persona que te invitó si aún necesitas acceso.',
  },
};
