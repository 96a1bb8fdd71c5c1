import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRET_KEY as SECRET, type Standalone, startStandalone } from '../../../test/support/standalone.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { createBackendClient, createFrontendClient, type FetchLike } from '../src/index.js';

// The client against the real standalone server behind a real TCP proxy that can lose an answer: the
// server acts, the connection is cut before the answer reaches the client (a network error).
let api: Standalone;
let proxy: TcpProxy;
let proxied: string;
beforeAll(async () => {
  api = await startStandalone();
  const target = new URL(api.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  proxied = proxy.url(api.url);
});
afterAll(async () => {
  await proxy?.close();
  await api?.stop();
});

/** The global fetch, recording each request's method and `Idempotency-Key` (null when none). */
function recording() {
  const sent: { method: string; key: string | null }[] = [];
  const fetch: FetchLike = (input, init) => {
    sent.push({
      method: String(init.method),
      key: (init.headers as Record<string, string>)['idempotency-key'] ?? null,
    });
    return globalThis.fetch(input, init);
  };
  return { sent, fetch };
}

const fast = { baseDelayMs: 10, maxDelayMs: 50 };

describe('Idempotency-Key from the client', () => {
  test('every POST carries a fresh UUID key; a GET none', async () => {
    const { org } = await api.organization('keys');
    const { sent, fetch } = recording();
    const client = createBackendClient({ baseUrl: api.url, secretKey: SECRET, fetch });
    await client.organizationInvitations.create(org.id, {
      email_address: 'a@example.test',
      role: 'org:member',
    });
    await client.organizationInvitations.create(org.id, {
      email_address: 'b@example.test',
      role: 'org:member',
    });
    await client.organizationInvitations.list(org.id);
    expect(sent.map((s) => s.method)).toEqual(['POST', 'POST', 'GET']);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(sent[0]!.key).toMatch(uuid);
    expect(sent[1]!.key).toMatch(uuid);
    expect(sent[1]!.key).not.toBe(sent[0]!.key);
    expect(sent[2]!.key).toBeNull();
  });

  test('a lost answer is retried with the same key: exactly one invitation, and the first answer', async () => {
    const { org } = await api.organization('lost');
    const { sent, fetch } = recording();
    const client = createBackendClient({ baseUrl: proxied, secretKey: SECRET, fetch, retry: fast });
    const before = proxy.dropped();
    proxy.dropResponses(1);
    const created = await client.organizationInvitations.create(org.id, {
      email_address: 'lost@example.test',
      role: 'org:member',
    });
    expect(proxy.dropped()).toBe(before + 1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.key).toBe(sent[0]!.key);
    expect(created).toMatchObject({ object: 'organization_invitation', email_address: 'lost@example.test' });
    const page = await api.backend.organizationInvitations.list(org.id);
    expect(page.total_count).toBe(1);
    expect(page.data[0]!.id).toBe(created.id);
  });

  test('the Frontend API client (and so the React hooks) retries the same way', async () => {
    const { admin, org } = await api.organization('fapi-lost');
    const { sent, fetch } = recording();
    const client = createFrontendClient({
      baseUrl: proxied,
      getToken: () => admin.token,
      fetch,
      retry: fast,
    });
    proxy.dropResponses(2);
    const created = await client.createOrganizationInvitation(org.id, {
      email_address: 'fapi-lost@example.test',
      role: 'org:member',
    });
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.key)).size).toBe(1);
    const page = await api.backend.organizationInvitations.list(org.id);
    expect(page.data.map((i) => i.id)).toEqual([created.id]);
  });

  test('retries are bounded; with retries off the network error surfaces, and the server acted once', async () => {
    const { org } = await api.organization('bounded');
    const { sent, fetch } = recording();
    const client = createBackendClient({ baseUrl: proxied, secretKey: SECRET, fetch, retry: false });
    proxy.dropResponses(1);
    await expect(
      client.organizationInvitations.create(org.id, {
        email_address: 'once@example.test',
        role: 'org:member',
      }),
    ).rejects.toThrow(TypeError);
    expect(sent).toHaveLength(1);
    expect((await api.backend.organizationInvitations.list(org.id)).total_count).toBe(1);

    // Three tries at most by default (two retries): every answer lost, the last error surfaces.
    const { sent: sent3, fetch: fetch3 } = recording();
    const bounded = createBackendClient({ baseUrl: proxied, secretKey: SECRET, fetch: fetch3, retry: fast });
    proxy.dropResponses(3);
    await expect(
      bounded.organizationInvitations.create(org.id, {
        email_address: 'thrice@example.test',
        role: 'org:member',
      }),
    ).rejects.toThrow(TypeError);
    expect(sent3).toHaveLength(3);
    const page = await api.backend.organizationInvitations.list(org.id, { limit: 100 });
    expect(page.data.filter((i) => i.email_address === 'thrice@example.test')).toHaveLength(1);
  });

  test('a key of the caller’s own makes a later call the same request', async () => {
    const { org } = await api.organization('own-key');
    const client = createBackendClient({ baseUrl: api.url, secretKey: SECRET });
    const params = { email_address: 'own@example.test', role: 'org:member' };
    const first = await client.organizationInvitations.create(org.id, params, { idempotencyKey: 'order-42' });
    const again = await client.organizationInvitations.create(org.id, params, { idempotencyKey: 'order-42' });
    // The same invitation; its accept link went out once, on the first answer (the replay's url is null).
    expect(first.url).toContain('invitation_token=');
    expect(again).toEqual({ ...first, url: null });
  });
});
