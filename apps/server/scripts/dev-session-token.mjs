#!/usr/bin/env node
// Prints a session token (an HS256 JWT) for an email address, signed with INVITEKIT_JWT_SECRET, as an
// identity provider would sign it: `sub` (a stable id made from the address), `email`, and
// `email_verified: true`, valid for one hour. For trying the Frontend API in development only:
//   SESSION=$(INVITEKIT_JWT_SECRET=… node apps/server/scripts/dev-session-token.mjs bob@example.com)
import { createHash, createHmac } from 'node:crypto';

const email = process.argv[2]?.trim().toLowerCase();
const secret = process.env.INVITEKIT_JWT_SECRET;
if (!email?.includes('@') || !secret) {
  console.error('usage: INVITEKIT_JWT_SECRET=<secret> node dev-session-token.mjs <email address>');
  process.exit(2);
}
const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
  sub: `user_dev_${createHash('sha256').update(email).digest('hex').slice(0, 24)}`,
  email,
  email_verified: true,
  iat: now,
  exp: now + 3600,
})}`;
console.log(`${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`);
