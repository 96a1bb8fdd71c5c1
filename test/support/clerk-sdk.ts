import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { expect } from 'vitest';
import { SECRET_KEY, startTestServer, type TestServer } from '../../apps/server/test/harness.js';
import type { TestDatabaseKind } from './databases.js';

// Clerk's own Backend SDK (`@clerk/backend`, pinned) pointed at the standalone server: the conformance
// suites drive Invitekit only through it, and read results the way a Clerk user's code reads them.

export interface ClerkTarget {
  /** `createClerkClient({ secretKey, apiUrl })`, exactly as a Clerk user configures it. */
  clerk: ClerkClient;
  /** The server under the SDK (its URL, and `call` for setup the SDK cannot express). */
  server: TestServer;
  stop(): Promise<void>;
}

/** The standalone server on a fresh database of `kind`, and a Clerk client pointed at it. */
export async function startClerkTarget(kind: TestDatabaseKind): Promise<ClerkTarget> {
  const db = await kind.create();
  const server = await startTestServer(db.config);
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: server.url });
  return {
    clerk,
    server,
    async stop() {
      await server.stop();
      await db.drop();
    },
  };
}

/**
 * Awaits a call the server must refuse and returns the SDK's error, asserting it is the
 * `ClerkAPIResponseError` a Clerk user catches, with `status` and the first error's `code`.
 */
export async function clerkError(call: Promise<unknown>, status: number, code: string) {
  const err = await call.then(
    (value) => {
      throw new Error(`expected a ${status} ${code}, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  if (!isClerkAPIResponseError(err)) throw err;
  expect(err.status).toBe(status);
  expect(err.errors[0]?.code).toBe(code);
  expect(err.errors[0]?.longMessage).toEqual(expect.any(String));
  return err;
}

/**
 * Asserts that the SDK turned a response into its resource class `name` (`User`, `OrganizationInvitation`,
 * ...). The classes are type-only exports, so the check reads the constructor's name (bundled as `_User`).
 */
export function expectResource(value: unknown, name: string) {
  const ctor = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
  expect(ctor?.replace(/^_/, ''), `a ${name} resource`).toBe(name);
}

/** A unique address for one test. */
let n = 0;
export const address = (label: string) => `${label}-${++n}-${Date.now().toString(36)}@example.com`;
