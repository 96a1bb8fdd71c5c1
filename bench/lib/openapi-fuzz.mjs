// A seeded request fuzzer derived from the server's own OpenAPI document (`GET /v1/openapi.json`).
// fast-check generates, from one seed, a valid request for an operation and then mutates it: bodies
// (wrong types, missing and extra fields, nulls, huge strings, deep nesting, NUL, lone surrogates,
// invalid UTF-8, non-JSON, wrong content types and encodings, duplicate keys), path parameters, query
// parameters, methods, headers and session claims. The same seed gives the same requests, so a failure
// reproduces with `FUZZ_SEED=<seed>`.
//
// Used by apps/server/test/openapi-fuzz.test.ts (CI, a few thousand requests on PGlite and PostgreSQL)
// and bench/fuzz.mjs (10,000+ requests against a server on PostgreSQL).

import { createHmac } from 'node:crypto';
import fc from 'fast-check';

/** An HS256 session token as an identity provider would sign it. */
export function signSession(secret, claims) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iat: now, exp: now + 3600, ...claims })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Every operation of the document, with its parameters and JSON body schema ($refs resolved). */
export function operationsOf(doc) {
  const resolve = (s) =>
    s && typeof s.$ref === 'string' ? resolve(doc.components.schemas[s.$ref.split('/').pop()]) : s;
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const security = op.security?.[0] ? Object.keys(op.security[0])[0] : 'none';
      const parameters = (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema) }));
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        auth: security === 'bearerAuth' ? 'secret' : security === 'sessionToken' ? 'user' : 'none',
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: body ? deref(body, resolve) : null,
        bodyRequired: Boolean(op.requestBody?.required),
      });
    }
  }
  return ops;
}

function deref(schema, resolve) {
  const s = resolve(schema);
  if (!s || typeof s !== 'object') return s;
  const out = { ...s };
  if (s.properties)
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, deref(v, resolve)]));
  if (s.items) out.items = deref(s.items, resolve);
  for (const key of ['anyOf', 'oneOf', 'allOf']) if (s[key]) out[key] = s[key].map((v) => deref(v, resolve));
  return out;
}

// Raw JSON the serialiser cannot produce (deep nesting without recursion, 1e400, duplicate keys) is put
// in as a marker string and substituted after JSON.stringify.
const RAW = '\u0001raw:';
const raw = (text) => `${RAW}${Buffer.from(text).toString('base64')}`;
const RAW_MARKER = /"\\u0001raw:([A-Za-z0-9+/=]*)"/g;
const serialise = (value) =>
  JSON.stringify(value).replace(RAW_MARKER, (_m, b64) => Buffer.from(b64, 'base64').toString());

const deepText = (depth, kind) =>
  kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Weird but well-formed strings: what a careless or hostile caller puts anywhere. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u212a',
    'ü',
    '😀',
    '\u202e',
    "' OR 1=1 --",
    '$'.concat('{jndi:x}'),
    '../../etc/passwd',
    '%00',
    'null',
    '0',
    '-1',
    'org:admin',
    '<script>',
    'a@b.co',
    'a@b.co,c@d.co',
    'x'.repeat(600),
  ),
);

const numberLike = fc.oneof(
  fc.integer({ min: -5, max: 600 }),
  fc.constantFrom(
    0,
    -1,
    1,
    365,
    366,
    500,
    501,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    2 ** 53 + 2,
    1e21,
    1e308,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    raw('1e400'),
    raw('-1e400'),
    raw('1.0'),
    raw('-0'),
    raw('1E2'),
    raw('123456789012345678901234567890'),
  ),
);

/** Any JSON value, small. */
const anyJson = fc.oneof(
  nastyString,
  numberLike,
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.json({ maxDepth: 3 }).map((t) => JSON.parse(t)),
);

const metadata = fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), nastyString), anyJson, { maxKeys: 4 });

/** Values that fit a field's schema, guided by the field's name where the schema says too little. */
function validValue(schema, name, ctx) {
  if (!schema) return anyJson;
  if (schema.anyOf || schema.oneOf)
    return fc.oneof(...(schema.anyOf ?? schema.oneOf).map((s) => validValue(s, name, ctx)));
  let arb;
  if (schema.enum) arb = fc.constantFrom(...schema.enum);
  else if (schema.type === 'string') arb = validString(schema, name, ctx);
  else if (schema.type === 'integer')
    arb = fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1000) });
  else if (schema.type === 'number') arb = fc.double({ noNaN: true, noDefaultInfinity: true });
  else if (schema.type === 'boolean') arb = fc.boolean();
  else if (schema.type === 'array') {
    const min = schema.minItems ?? 0;
    arb = fc.array(validValue(schema.items, name, ctx), {
      minLength: min,
      maxLength: Math.max(min, Math.min(schema.maxItems ?? 3, 3)),
    });
  } else if (schema.type === 'object' && schema.properties) {
    const model = Object.fromEntries(
      Object.entries(schema.properties).map(([k, s]) => [k, validValue(s, k, ctx)]),
    );
    arb = fc.record(model, { requiredKeys: schema.required ?? [] });
  } else if (schema.type === 'object') arb = metadata;
  else arb = anyJson;
  return schema.nullable ? fc.option(arb, { nil: null, freq: 6 }) : arb;
}

function validString(schema, name, ctx) {
  const ids = ctx.ids;
  if (name === 'email_address') return fc.nat(1e9).map((n) => `fuzz${n}@example.com`);
  if (name === 'role') return fc.constantFrom('org:member', 'org:admin');
  if (name === 'token') return fc.constantFrom(ctx.token, ctx.token, 'not-a-token');
  if (name === 'primary_email_address_id') return fc.constantFrom('idn_missing', ids.user_id);
  if (/(^|_)(user_id|created_by)$/.test(name) || name === 'user_id')
    return fc.constantFrom(ids.user_id, ids.member_id, 'user_missing');
  if (schema.format === 'uri')
    return fc.constantFrom('https://app.example.com/welcome', 'http://localhost/x');
  if (name === 'slug') return fc.stringMatching(/^[a-z0-9-]{1,20}$/);
  if (schema.pattern === '^\\d+$') return fc.integer({ min: 0, max: 600 }).map(String);
  if (name === 'order_by') return fc.constantFrom('created_at', '-created_at', '+email_address', 'name');
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
}

/** Paths to every node of a JSON value (shallow enough to stay cheap). */
function nodes(value) {
  const out = [[]];
  const walk = (v, path) => {
    if (path.length > 4 || v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      const p = [...path, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      walk(child, p);
    }
  };
  walk(value, []);
  return out;
}

const clone = (v) => (v === undefined ? undefined : structuredClone(v));

/** `value` with the node at `path` replaced (the root when path is empty). */
function setAt(value, path, next) {
  if (path.length === 0) return next;
  const root = clone(value);
  let parent = root;
  for (const k of path.slice(0, -1)) parent = parent[k];
  parent[path[path.length - 1]] = next;
  return root;
}

function getAt(value, path) {
  return path.reduce((v, k) => (v == null ? undefined : v[k]), value);
}

const bodyMutations = [
  'valid',
  'valid',
  'wrong-type',
  'missing',
  'extra',
  'null',
  'huge-string',
  'deep',
  'nul',
  'surrogate',
  'invalid-utf8',
  'non-json',
  'content-type',
  'content-encoding',
  'duplicate-keys',
  'top-level',
  'empty',
  'bom',
];

const mutationInputs = fc.record({
  kind: fc.constantFrom(...bodyMutations),
  pick: fc.nat(),
  other: anyJson,
  key: fc.oneof(fc.string({ maxLength: 12 }), nastyString),
  hugeLength: fc.constantFrom(300, 5_000, 60_000, 150_000),
  depth: fc.constantFrom(10, 33, 40, 65, 200, 5_000, 20_000),
  deepKind: fc.constantFrom('object', 'array'),
  text: fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      'not json',
      '{',
      '{"a":',
      "{'a':1}",
      '[1,2',
      'null',
      '1',
      '"s"',
      'true',
      '{"a":1}{"b":2}',
      'undefined',
      '\u0000',
    ),
  ),
  contentType: fc.constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'application/vnd.api+json',
    'application/json; foo=bar',
    'application/jsonx',
    '',
  ),
  encoding: fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'x-unknown', 'identity, gzip'),
  badBytes: fc.constantFrom(
    [0xff],
    [0xfe, 0xff],
    [0xc3, 0x28],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0x80],
  ),
  topLevel: fc.constantFrom([], 1, 's', true, raw('null'), [{}], [1, 2]),
});

/** A (mutated) body for `op`: `{ body: string | Buffer | undefined, contentType, headers, mutation }`. */
function bodyFor(op, ctx) {
  return validValue(op.body, '', ctx).chain((valid) =>
    mutationInputs.map((m) => {
      const all = nodes(valid);
      const at = all[m.pick % all.length];
      const leaves = all.filter((p) => typeof getAt(valid, p) === 'string');
      const leaf = leaves.length ? leaves[m.pick % leaves.length] : null;
      const objects = all.filter((p) => {
        const v = getAt(valid, p);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      const object = objects.length ? objects[m.pick % objects.length] : null;
      const json = (value, extra = {}) => ({
        body: serialise(value),
        contentType: 'application/json',
        ...extra,
      });
      const where = (p) => (p ? p.join('.') : '-');
      switch (m.kind) {
        case 'valid':
          return json(valid, { mutation: 'valid' });
        case 'wrong-type':
          return json(setAt(valid, at, m.other), { mutation: `wrong-type at ${where(at)}` });
        case 'missing': {
          if (!object) return json(valid, { mutation: 'missing (nothing to drop)' });
          const keys = Object.keys(getAt(valid, object));
          if (!keys.length) return json(valid, { mutation: 'missing (empty object)' });
          const key = keys[m.pick % keys.length];
          const next = setAt(valid, object, { ...getAt(valid, object) });
          delete getAt(next, object)[key];
          return json(next, { mutation: `missing ${where([...object, key])}` });
        }
        case 'extra': {
          const target = object ?? [];
          const base = object ? valid : {};
          return json(setAt(base, target, { ...getAt(base, target), [m.key]: m.other }), {
            mutation: `extra ${JSON.stringify(m.key)} at ${where(target)}`,
          });
        }
        case 'null':
          return json(setAt(valid, at, null), { mutation: `null at ${where(at)}` });
        case 'huge-string':
          return json(setAt(valid, leaf ?? at, 'x'.repeat(m.hugeLength)), {
            mutation: `huge string (${m.hugeLength}) at ${where(leaf ?? at)}`,
          });
        case 'deep': {
          // Metadata fields first: that is where nesting is allowed at all.
          const meta = Object.keys(op.body?.properties ?? {}).find((k) => k.endsWith('metadata'));
          const target = meta && valid && typeof valid === 'object' && !Array.isArray(valid) ? [meta] : at;
          return json(setAt(valid, target, raw(deepText(m.depth, m.deepKind))), {
            mutation: `deep ${m.deepKind} (${m.depth}) at ${where(target)}`,
          });
        }
        case 'nul':
        case 'surrogate': {
          const bad = m.kind === 'nul' ? '\u0000' : '\ud800';
          if (leaf && m.pick % 3 !== 0) {
            return json(setAt(valid, leaf, `${getAt(valid, leaf)}${bad}`), {
              mutation: `${m.kind} in ${where(leaf)}`,
            });
          }
          const target = object ?? [];
          const base = object ? valid : {};
          return json(setAt(base, target, { ...getAt(base, target), [`k${bad}`]: `v${bad}` }), {
            mutation: `${m.kind} in a key at ${where(target)}`,
          });
        }
        case 'invalid-utf8': {
          const text = serialise(setAt(valid, leaf ?? at, '\u0002MARK\u0002'));
          const [before, after = ''] = text.split('\\u0002MARK\\u0002');
          const body =
            after || text.includes('MARK')
              ? Buffer.concat([Buffer.from(before), Buffer.from(m.badBytes), Buffer.from(after)])
              : Buffer.concat([Buffer.from(text), Buffer.from(m.badBytes)]);
          return {
            body,
            contentType: 'application/json',
            mutation: `invalid UTF-8 ${m.badBytes} at ${where(leaf ?? at)}`,
          };
        }
        case 'non-json':
          return {
            body: m.text,
            contentType: 'application/json',
            mutation: `non-JSON ${JSON.stringify(m.text)}`,
          };
        case 'content-type':
          return json(valid, {
            contentType: m.contentType || undefined,
            mutation: `content-type ${JSON.stringify(m.contentType)}`,
          });
        case 'content-encoding':
          return json(valid, {
            headers: { 'content-encoding': m.encoding },
            mutation: `content-encoding ${m.encoding}`,
          });
        case 'duplicate-keys': {
          const text = serialise(valid);
          if (!object || !text.startsWith('{') || text === '{}') {
            return {
              body: `{"a":1,"a":${serialise(m.other)}}`,
              contentType: 'application/json',
              mutation: 'duplicate keys (a)',
            };
          }
          const keys = Object.keys(valid);
          const key = keys.length ? keys[m.pick % keys.length] : 'a';
          return {
            body: `${text.slice(0, -1)},${JSON.stringify(key)}:${serialise(m.other)}}`,
            contentType: 'application/json',
            mutation: `duplicate key ${key}`,
          };
        }
        case 'top-level':
          return json(m.topLevel, { mutation: `top-level ${serialise(m.topLevel)}` });
        case 'empty':
          return { body: undefined, contentType: undefined, mutation: 'no body' };
        case 'bom':
          return {
            body: `\uFEFF${serialise(valid)}`,
            contentType: 'application/json',
            mutation: 'byte order mark',
          };
        default:
          throw new Error(`unknown mutation ${m.kind}`);
      }
    }),
  );
}

const pathMutations = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) }, // the seeded id
  {
    weight: 4,
    arbitrary: fc.oneof(
      nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))),
      fc.constantFrom(
        '%00',
        'org_%00',
        'inv_%00x',
        '%ZZ',
        '%FF',
        '%ED%A0%80',
        '%C0%AF',
        '%E0%A4%A',
        '..',
        '%2E%2E',
        '%2F',
        'a%2Fb',
        '%20',
        '%25',
        'null',
        'a'.repeat(3_000),
        'a'.repeat(20_000),
      ),
    ),
  },
);

const queryValue = fc.oneof(
  nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))),
  fc.constantFrom(
    '%00',
    '1%00',
    '%ED%A0%80',
    '%FF',
    '%E0%A4%A',
    '',
    '-1',
    '0',
    '1',
    '500',
    '501',
    '2147483647',
    '2147483648',
    '4294967296',
    '9007199254740993',
    '99999999999999999999999',
    '1e3',
    '1.5',
    '0x10',
    '+1',
    '%201',
    'a'.repeat(600),
    'pending',
    'pending,accepted',
    'pending,nope',
    '-created_at',
    'created_at',
  ),
);

/** A query string for `op`: declared parameters (valid or mutated), repeated keys, unknown ones. */
function queryFor(op, ctx) {
  const declared = op.queryParams.map((p) =>
    fc
      .record({
        present: fc.nat(3),
        valid: validValue(p.schema, p.name, ctx).map((v) => (Array.isArray(v) ? v.join(',') : String(v))),
        mutated: queryValue,
        repeat: fc.nat(5),
      })
      .map(({ present, valid, mutated, repeat }) => {
        if (present === 0) return [];
        const value = present === 1 ? mutated : encodeURIComponent(valid);
        const pairs = [`${p.name}=${value}`];
        if (repeat === 0) pairs.push(`${p.name}=${value}`);
        if (repeat === 1) pairs.push(`${p.name}[]=${value}`);
        return pairs;
      }),
  );
  const extra = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('foo', 'limit[a]', '%00', 'a%00b', '__proto__', 'constructor'),
        fc.string({ maxLength: 6 }).map(encodeURIComponent),
      ),
      queryValue,
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...declared), extra).map(([params, more]) => {
    const pairs = [...params.flat(), ...more.map(([k, v]) => `${k}=${v}`)];
    return pairs.length ? `?${pairs.join('&')}` : '';
  });
}

const authModes = fc.constantFrom(
  'valid',
  'valid',
  'valid',
  'valid',
  'valid',
  'valid',
  'valid',
  'valid',
  'none',
  'wrong',
  'malformed',
  'new-user',
  'nul-claims',
  'surrogate-claims',
  'odd-claims',
  'long-claims',
);

function authHeader(op, mode, ctx, n) {
  const session = (claims) => `Bearer ${signSession(ctx.jwtSecret, claims)}`;
  switch (mode) {
    case 'none':
      return undefined;
    case 'wrong':
      return 'Bearer sk_wrong';
    case 'malformed':
      return 'Basic eA==';
    case 'new-user':
      return op.auth === 'secret'
        ? `Bearer ${ctx.secretKey}`
        : session({ sub: `user_fuzz_${n}`, email: `fz${n}@example.com`, email_verified: true });
    case 'nul-claims':
      return session({
        sub: `user_\u0000${n}`,
        email: `n\u0000${n}@example.com`,
        email_verified: true,
        given_name: 'a\u0000',
      });
    case 'surrogate-claims':
      return session({
        sub: `user_s${n}`,
        email: `s${n}@example.com`,
        email_verified: true,
        family_name: '\ud800',
      });
    case 'odd-claims':
      return session({
        sub: `user_o${n}`,
        email: [`o${n}@example.com`, 42, null, 'x'.repeat(400)],
        email_verified: 'yes',
        given_name: { a: 1 },
      });
    case 'long-claims':
      return session({
        sub: `user_l${n}`.padEnd(255, 'l'),
        email: `${'l'.repeat(3000)}${n}@example.com`,
        email_verified: true,
        given_name: 'g'.repeat(5000),
      });
    default:
      return op.auth === 'user' ? `Bearer ${ctx.sessionToken}` : `Bearer ${ctx.secretKey}`;
  }
}

/** The id a path parameter takes in the seeded data: application invitations under /v1/invitations. */
function seededId(op, name, ctx) {
  if (name === 'invitation_id')
    return op.path.startsWith('/v1/invitations') ? ctx.ids.app_invitation_id : ctx.ids.invitation_id;
  return ctx.ids[name] ?? 'missing';
}

/**
 * Requests for the operations of `doc`: `{ method, url, headers, body, label }`, with `url` relative to
 * the server. `ctx`: `{ ids, token, secretKey, jwtSecret, sessionToken }` from seedFuzzData.
 */
export function requestArbitrary(doc, ctx) {
  const ops = operationsOf(doc);
  return fc.nat(ops.length - 1).chain((i) => {
    const op = ops[i];
    return fc
      .record({
        params: fc.tuple(...op.pathParams.map(() => pathMutations)),
        query: queryFor(op, ctx),
        body: op.body ? bodyFor(op, ctx) : fc.constant(null),
        auth: authModes,
        method: fc.oneof(
          { weight: 19, arbitrary: fc.constant(op.method) },
          fc.constantFrom('PUT', 'PATCH', 'DELETE', 'GET', 'POST', 'OPTIONS', 'HEAD'),
        ),
        hugeHeader: fc.oneof({ weight: 40, arbitrary: fc.constant(0) }, fc.constantFrom(9_000, 20_000)),
        n: fc.nat(1e9),
      })
      .map(({ params, query, body, auth, method, hugeHeader, n }) => {
        let path = op.path;
        op.pathParams.forEach((p, j) => {
          const mutated = params[j];
          // Never delete or revoke the seeded records: later requests need them to reach the services.
          const keep = mutated === null && !(op.method === 'DELETE' || op.path.endsWith('/revoke'));
          path = path.replace(
            `{${p.name}}`,
            keep ? encodeURIComponent(seededId(op, p.name, ctx)) : (mutated ?? 'fuzz_missing'),
          );
        });
        const headers = {};
        const authorization = authHeader(op, auth, ctx, n);
        if (authorization) headers.authorization = authorization;
        if (hugeHeader) headers['x-fuzz'] = 'h'.repeat(hugeHeader);
        let sent;
        if (body && method !== 'GET' && method !== 'HEAD') {
          if (body.contentType) headers['content-type'] = body.contentType;
          Object.assign(headers, body.headers);
          sent = body.body;
        }
        const parts = [
          method !== op.method ? `method ${method}` : null,
          body && sent !== undefined ? body.mutation : body ? 'no body' : null,
          auth !== 'valid' ? `auth ${auth}` : null,
          hugeHeader ? `header ${hugeHeader} bytes` : null,
        ].filter(Boolean);
        return {
          operationId: op.operationId,
          method,
          url: `${path}${query}`,
          headers,
          body: sent,
          label: `${op.operationId}: ${method} ${(path + query).slice(0, 160)}${parts.length ? ` [${parts.join('; ')}]` : ''}`,
        };
      });
  });
}

/** `count` requests from `seed`, always the same ones for the same seed and document. */
export function sampleRequests(doc, ctx, seed, count) {
  return fc.sample(requestArbitrary(doc, ctx), { seed, numRuns: count });
}

/**
 * Sends one request; resolves to `{ status, problem }`: `problem` is null when the answer is acceptable
 * (any status below 500 with a JSON body; errors in the ClerkErrors shape), else what is wrong.
 */
export async function sendAndCheck(baseUrl, req) {
  let res;
  let text;
  try {
    res = await fetch(`${baseUrl}${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(30_000),
    });
    text = req.method === 'HEAD' ? '' : await res.text();
  } catch (err) {
    return {
      status: 0,
      problem: `dropped: ${err.cause?.code ?? err.cause?.message ?? err.message}`,
      kind: 'dropped',
    };
  }
  if (res.status >= 500)
    return { status: res.status, problem: `${res.status} ${text.slice(0, 300)}`, kind: '5xx' };
  if (req.method === 'HEAD' || res.status === 204) return { status: res.status, problem: null };
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      status: res.status,
      problem: `non-JSON ${res.status} body: ${JSON.stringify(text.slice(0, 200))}`,
      kind: 'non-json',
    };
  }
  if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) {
    return {
      status: res.status,
      problem: `content-type ${res.headers.get('content-type')}`,
      kind: 'non-json',
    };
  }
  if (res.status >= 400) {
    const errors = parsed?.errors;
    const shaped =
      Array.isArray(errors) &&
      errors.length > 0 &&
      errors.every(
        (e) =>
          typeof e.code === 'string' && typeof e.message === 'string' && typeof e.long_message === 'string',
      );
    if (!shaped)
      return { status: res.status, problem: `not ClerkErrors: ${text.slice(0, 200)}`, kind: 'non-json' };
  }
  return { status: res.status, problem: null };
}

/**
 * Seeds what lets fuzzed requests reach the services (through the Backend API): an admin with an
 * organization, a member, a pending organization invitation (its token too) and an application invitation.
 */
export async function seedFuzzData(baseUrl, secretKey, jwtSecret) {
  const api = async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`seeding ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const stamp = Date.now().toString(36);
  const admin = await api('POST', '/v1/users', { email_address: [`fuzz-admin-${stamp}@example.com`] });
  const member = await api('POST', '/v1/users', { email_address: [`fuzz-member-${stamp}@example.com`] });
  const org = await api('POST', '/v1/organizations', { name: 'Fuzz Inc', created_by: admin.id });
  await api('POST', `/v1/organizations/${org.id}/memberships`, { user_id: member.id, role: 'org:member' });
  const invitation = await api('POST', `/v1/organizations/${org.id}/invitations`, {
    email_address: `fuzz-invitee-${stamp}@example.com`,
    role: 'org:member',
    inviter_user_id: admin.id,
  });
  const appInvitation = await api('POST', '/v1/invitations', {
    email_address: `fuzz-app-${stamp}@example.com`,
  });
  const token = new URL(invitation.url ?? 'http://x/').searchParams.get('invitation_token') ?? 'missing';
  return {
    ids: {
      organization_id: org.id,
      invitation_id: invitation.id,
      app_invitation_id: appInvitation.id,
      user_id: admin.id,
      member_id: member.id,
    },
    token,
    secretKey,
    jwtSecret,
    sessionToken: signSession(jwtSecret, {
      sub: admin.id,
      email: `fuzz-admin-${stamp}@example.com`,
      email_verified: true,
    }),
  };
}

/** Sends `requests` with `concurrency` in flight; returns the figures and every problem found. */
export async function runFuzz(baseUrl, requests, { concurrency = 8, onProblem } = {}) {
  const figures = { requests: 0, statuses: {}, fiveXX: 0, nonJson: 0, dropped: 0, problems: [] };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const req = requests[index];
      const { status, problem, kind } = await sendAndCheck(baseUrl, req);
      figures.requests += 1;
      const bucket = status === 0 ? 'dropped' : `${Math.floor(status / 100)}xx`;
      figures.statuses[bucket] = (figures.statuses[bucket] ?? 0) + 1;
      if (problem) {
        if (kind === '5xx') figures.fiveXX += 1;
        else if (kind === 'dropped') figures.dropped += 1;
        else figures.nonJson += 1;
        const found = { index, request: req.label, problem };
        figures.problems.push(found);
        onProblem?.(found);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return figures;
}
