import { z } from 'zod';
import { errorCodes } from '../domain/errors.js';
import { ClerkErrorsSchema } from '../wire/responses.js';
import type { Route } from './route.js';

type JsonSchema = Record<string, unknown>;

/**
 * Builds the OpenAPI 3.0 document from the route table's zod schemas: the same schemas that validate
 * requests. Schemas with a `meta({ id })` become shared components.
 */
export function buildOpenApiDocument(routes: Route[], info: { title: string; version: string }) {
  const components: Record<string, JsonSchema> = {};

  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
    const { definitions, ...rest } = json as { definitions?: Record<string, JsonSchema> };
    const rewrite = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/definitions/', '"#/components/schemas/'));
    for (const [id, def] of Object.entries(definitions ?? {})) components[id] = rewrite(def);
    return rewrite(rest);
  };

  const parameters = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
    if (!schema) return [];
    const json = convert(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, s]) => {
      const { description, ...rest } = s;
      const multi = rest.type === 'array';
      return {
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
        ...(multi ? { style: 'form', explode: true } : {}),
      };
    });
  };

  const errorResponse = {
    description: 'ClerkErrors',
    content: { 'application/json': { schema: convert(ClerkErrorsSchema, 'output') } },
  };
  const tooManyResponse = {
    ...errorResponse,
    description: 'ClerkErrors `too_many_requests`: over the per-client-address limit',
    headers: {
      'Retry-After': {
        description: 'Seconds until the limit lets a request through',
        schema: { type: 'integer' },
      },
    },
  };
  // Invitekit extension (http/idempotency.ts): every POST takes one.
  const idempotencyKeyParameter = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Invitekit: a retry with the same key within 24 hours (configurable) gets the stored answer, marked `Idempotent-Replayed: true`; another body answers 422 `idempotency_key_mismatch`, a retry while the first still runs 409 `idempotency_key_in_use`',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: route.tags,
      ...(route.deprecated ? { deprecated: true } : {}),
      security:
        route.auth === 'secret' ? [{ bearerAuth: [] }] : route.auth === 'user' ? [{ sessionToken: [] }] : [],
      parameters: [
        ...parameters(route.params, 'path'),
        ...parameters(route.query, 'query'),
        ...(route.method === 'POST' ? [idempotencyKeyParameter] : []),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: {
                'application/json': { schema: convert(route.body, 'input') },
                ...(route.largeBody ? { 'text/csv': { schema: { type: 'string' } } } : {}),
              },
            },
          }
        : {}),
      responses: {
        [String(route.successStatus ?? 200)]: {
          description: route.successStatus === 202 ? 'Accepted: processed in the background' : 'Success',
          content: { 'application/json': { schema: convert(route.response, 'output') } },
        },
        ...(route.limitedPerClient ? { '429': tooManyResponse } : {}),
        '4XX': errorResponse,
        '503': {
          ...errorResponse,
          description:
            'ClerkErrors `service_unavailable`: the database is unavailable; retry after `Retry-After` s',
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      ...info,
      description: `Clerk-compatible Backend API for invitations (secret key), and the Frontend API for signed-in people (session token; every 2xx body is \`{ response, client }\`). Error codes: ${Object.keys(errorCodes).join(', ')}.`,
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A secret key (INVITEKIT_SECRET_KEY).' },
        sessionToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            "The signed-in person's session token, checked by the host's authenticate hook (the standalone server verifies a JWT).",
        },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
