import { z } from 'zod';
import { canonicalLocale } from './domain/locale.js';

/**
 * The shape of `createInvitekit`'s options, checked before anything opens: a wrong or missing value fails
 * at start with a message naming the option (`secretKeys[0]`, `delivery.leaseMs`, …), rather than as a
 * TypeError deep inside, or a 500 later. Unknown keys pass (adapters add their own); values are checked,
 * never transformed.
 */
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.map((p) => `${p}//`).join(' or ')}…)` },
  );
const origin = z.string().refine(
  (value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: 'must be an origin such as https://app.example.com' },
);
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const nonEmpty = z.string({ error: 'must be a string' }).min(1, 'must not be empty');
const locale = z
  .string({ error: 'must be a string' })
  .refine(
    (value) => canonicalLocale(value) !== null,
    'must be a BCP 47 language tag such as en, fr or de-AT',
  );

const configSchema = z.looseObject({
  database: z
    .looseObject({
      url: url(['postgres:', 'postgresql:']).optional(),
      dataDir: nonEmpty.optional(),
      poolSize: positiveInt.optional(),
    })
    .optional(),
  secretKeys: z
    .array(
      z
        .string({
          error: (issue) =>
            issue.input === undefined
              ? 'is undefined: the environment variable or setting holding the secret key is not set'
              : 'must be a string',
        })
        .min(1, 'is empty: the environment variable or setting holding the secret key is not set'),
    )
    .optional(),
  roles: z
    .array(z.looseObject({ key: nonEmpty, name: nonEmpty, permissions: z.array(z.string()) }))
    .min(1, 'must list at least one role')
    .optional(),
  now: fn.optional(),
  onUnexpectedError: fn.optional(),
  authenticate: fn.optional(),
  frontendPath: z.string().optional(),
  acceptUrl: url(['http:', 'https:']).optional(),
  redirectOrigins: z.array(origin).optional(),
  webhooks: z
    .array(
      z.looseObject({
        url: url(['http:', 'https:']),
        secret: nonEmpty,
        events: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  limits: z
    .looseObject({
      // 0 turns a limit off.
      maxPendingPerOrganization: nonNegativeInt.optional(),
      maxPerInviterPerHour: nonNegativeInt.optional(),
      maxTokenRequestsPerClientPerMinute: nonNegativeInt.optional(),
    })
    .optional(),
  keepInvitationsOfFormerAdmins: z.boolean().optional(),
  joinLinks: z
    .looseObject({ maxRole: nonEmpty.optional(), url: url(['http:', 'https:']).optional() })
    .optional(),
  smtpUrl: url(['smtp:', 'smtps:']).optional(),
  mailer: z.looseObject({ send: fn }).optional(),
  instanceId: nonEmpty.optional(),
  delivery: z.record(z.string(), nonNegativeInt.optional()).optional(),
  sweeper: z.record(z.string(), positiveInt.optional()).optional(),
  // Invitekit reminders (domain/reminders.ts): false or unset is off.
  reminders: z
    .union(
      [
        z.literal(false),
        z.strictObject({
          afterSendDays: z.array(z.number().positive('must be more than 0 days')).max(10).optional(),
          beforeExpiryDays: z.array(z.number().positive('must be more than 0 days')).max(10).optional(),
          max: nonNegativeInt.max(10).optional(),
          intervalMs: positiveInt.optional(),
          batchSize: positiveInt.optional(),
        }),
      ],
      { error: 'must be false or { afterSendDays?, beforeExpiryDays?, max?, intervalMs?, batchSize? }' },
    )
    .optional(),
  log: fn.optional(),
  idempotency: z.looseObject({ keyTtlMs: positiveInt.optional(), lockMs: positiveInt.optional() }).optional(),
  devMailboxSize: nonNegativeInt.optional(),
  locale: locale.optional(),
  // Catalogs by locale; each message's ICU syntax is checked when the catalogs are built (delivery/locale.ts).
  messages: z
    .record(z.string(), z.record(z.string(), z.string({ error: 'must be an ICU message string' })))
    .refine((catalogs) => Object.keys(catalogs).every((tag) => canonicalLocale(tag) !== null), {
      message: 'must be keyed by BCP 47 language tags such as fr or de-AT',
    })
    .optional(),
  // Invitekit extension: large imports. emailsPerSecond 0 turns pacing off.
  imports: z
    .looseObject({
      batchSize: positiveInt.max(10_000).optional(),
      emailsPerSecond: z.number().nonnegative().max(100_000).optional(),
      pollIntervalMs: positiveInt.optional(),
    })
    .optional(),
});

/** Throws one error listing every wrong option, each by its path, e.g. `secretKeys[0] is undefined: …`. */
export function validateConfig(config: unknown): void {
  const result = configSchema.safeParse(config ?? {});
  if (result.success) return;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('');
    return `${path || 'config'} ${issue.message}`;
  });
  throw new Error(`Invitekit: invalid configuration:\n  ${lines.join('\n  ')}`);
}
