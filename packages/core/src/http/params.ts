import { z } from 'zod';
import { METADATA_MAX_BYTES } from '../domain/metadata.js';
import { invitationStatuses } from '../domain/status.js';

/** The largest value of a PostgreSQL `integer` (int4): the bound for every integer the API takes. */
export const PG_INT_MAX = 2 ** 31 - 1;

/** A whole number a PostgreSQL `integer` column or parameter holds, within [min, max]. */
export const intBody = (min: number, max = PG_INT_MAX) => z.int().min(min).max(Math.min(max, PG_INT_MAX));

// Query strings arrive as string | string[] (a repeated key). These schemas turn them into typed values.

/** A scalar query parameter: a repeated key is an error, not a silent pick. */
const single = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) && v.length === 1 ? v[0] : v), schema);

/**
 * A whole number. `10.0` counts as 10: the generated Python client (`clerk_backend_sdk`) types `limit` and
 * `offset` as floats, and Python writes a float 10 as `10.0`.
 */
const integerParam = (min: number, max: number, fallback: number) =>
  single(
    z
      .string()
      .regex(/^\d+(\.0+)?$/, 'must be a whole number')
      .prefault(String(fallback))
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
  );

export const limitParam = integerParam(1, 500, 10).describe('Page size, 1–500 (default 10).');
export const offsetParam = integerParam(0, PG_INT_MAX, 0).describe(
  `Rows to skip, 0–${PG_INT_MAX} (default 0).`,
);

/** The spellings Go's strconv.ParseBool (Clerk's servers) takes: `true`, `True`, `TRUE`, `t`, `1`, and so on. */
const TRUE = ['1', 't', 'T', 'true', 'True', 'TRUE'] as const;
const FALSE = ['0', 'f', 'F', 'false', 'False', 'FALSE'] as const;
export const booleanParam = single(
  z.enum([...TRUE, ...FALSE]).transform((v) => (TRUE as readonly string[]).includes(v)),
).optional();

export const stringParam = single(z.string().max(512)).optional();

/** A multi-valued parameter: `?x=a&x=b` and `?x=a,b` both give `['a', 'b']`. */
export const listParam = <T extends z.ZodType<string>>(item: T, max = 100) =>
  z
    .preprocess(
      (v) =>
        (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) =>
          typeof s === 'string'
            ? s
                .split(',')
                .map((p) => p.trim())
                .filter(Boolean)
            : [s],
        ),
      z.array(item).max(max),
    )
    .optional();

export const statusParam = listParam(z.enum(invitationStatuses)).describe(
  'Filter by status; for several, repeat the parameter (also as status[]) or separate values by commas.',
);

/**
 * `order_by`: a field with an optional `+` (ascending, implied) or `-` (descending) prefix. Repeated, the
 * first one counts, as Clerk documents (`order_by=a&order_by=b` orders by `a`).
 */
export const orderByParam = <const F extends readonly [string, ...string[]]>(fields: F, fallback: string) =>
  z
    .preprocess(
      (v) => (Array.isArray(v) ? v[0] : v),
      z
        .string()
        .prefault(fallback)
        .transform((raw, ctx) => {
          // An unencoded `+` arrives as a space (form encoding): read it as the `+` it was.
          const value = raw.replace(/^ /, '+');
          const direction = value.startsWith('-') ? ('desc' as const) : ('asc' as const);
          const field = value.replace(/^[+-]/, '');
          if (!(fields as readonly string[]).includes(field)) {
            ctx.addIssue({
              code: 'custom',
              message: `must be one of ${fields.join(', ')}, with an optional + or -`,
            });
            return z.NEVER;
          }
          return { field: field as F[number], direction };
        }),
    )
    .describe(
      `Order by ${fields.join(' or ')}; prefix + (ascending) or - (descending). Default ${fallback}.`,
    );

/** A metadata object: any JSON object. The service enforces the size limit. */
export const metadataBody = z
  .record(z.string(), z.unknown())
  .nullable()
  .optional()
  .describe(`A JSON object, at most ${METADATA_MAX_BYTES} bytes serialised.`);

export const emailBody = z.string().min(1).max(320).describe('An email address; trimmed and lower-cased.');

export const expiresInDaysBody = intBody(1, 365)
  .nullable()
  .optional()
  .describe('Days until the invitation expires, 1–365 (default 30).');

export const urlBody = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .nullable()
  .optional();
