import { z } from 'zod';
import { HealthSchema } from '../../wire/responses.js';
import { StatusResult } from '../handler.js';
import type { OpenApiDocument } from '../openapi.js';
import { defineRoute, type Route } from '../route.js';

/** Liveness and readiness, and the API description. Both are public. */
export function metaRoutes(
  ping: () => Promise<void>,
  openapi: () => OpenApiDocument,
  driver: string,
): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      operationId: 'Health',
      summary: 'Liveness and readiness: 200 when the database answers, 503 otherwise',
      tags: ['Meta'],
      auth: 'none',
      response: HealthSchema,
      handler: async () => {
        try {
          await ping();
          return { status: 'ok', database: driver };
        } catch {
          return new StatusResult(503, { status: 'unavailable', database: driver });
        }
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/openapi.json',
      operationId: 'GetOpenApiDocument',
      summary: 'This OpenAPI document',
      tags: ['Meta'],
      auth: 'none',
      response: z.record(z.string(), z.unknown()),
      handler: async () => openapi(),
    }),
  ];
}
