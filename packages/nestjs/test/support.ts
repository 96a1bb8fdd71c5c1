import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request, { type Response } from 'supertest';
import { assertClerkErrors, assertContract } from '../../../test/support/contract.js';

export const SECRET_KEY = 'sk_test_nest';

/** A Nest application from a testing module, initialised (routes mapped, hooks run), not listening. */
export async function bootApp(metadata: ModuleMetadata, { globalPrefix }: { globalPrefix?: string } = {}) {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  await app.init();
  return app;
}

/**
 * A request through the Nest HTTP server (supertest): 2xx bodies must match `operationId`'s response in
 * the contract, errors must be ClerkErrors, a 5xx fails the test.
 */
export async function call(
  app: INestApplication,
  operationId: string | null,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${SECRET_KEY}` },
): Promise<Response> {
  const agent = request(app.getHttpServer());
  let req = (
    method === 'GET'
      ? agent.get(path)
      : method === 'POST'
        ? agent.post(path)
        : method === 'PATCH'
          ? agent.patch(path)
          : agent.delete(path)
  ).set(headers);
  if (body !== undefined) req = req.send(body as object);
  const res = await req;
  if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status} ${res.text}`);
  if (res.status >= 400) assertClerkErrors(res.body);
  else if (operationId) assertContract(operationId, res.status, res.body);
  return res;
}
