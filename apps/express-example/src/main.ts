import { randomBytes } from 'node:crypto';
import { createExampleApp } from './app.js';

const secretKey = process.env.INVITEKIT_SECRET_KEY || 'sk_example_change_me';
const { app, invitekit } = await createExampleApp({
  invitekit: {
    database: process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: './.invitekit' },
    secretKeys: [secretKey],
    smtpUrl: process.env.SMTP_URL, // unset: the development mailer logs each accept link
    log: (level, message) => console[level](message),
  },
  sessionSecret: process.env.SESSION_SECRET || randomBytes(32).toString('hex'),
});
invitekit.start(); // email and webhook delivery, the expiry sweeper

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => {
  console.log(`Listening on http://localhost:${port}: the app's routes, and Invitekit under /invitekit`);
});

// Ctrl-C / SIGTERM: stop taking requests, finish delivery in flight, close the database.
const shutdown = () => {
  server.close(() => invitekit.close().then(() => process.exit(0)));
  server.closeIdleConnections();
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
