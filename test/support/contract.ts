import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// Validates real responses against Clerk's OpenAPI subset in shared/contract, not hand-copied shapes.

// A copy of shared/contract (Clerk's OpenAPI subsets, MIT) lives in the repository so a clone is self-contained.
const contractDir = fileURLToPath(new URL('../../contract/', import.meta.url));

type Doc = {
  paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
};

// CommonJS packages: under NodeNext the default import is the module object.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

/** OpenAPI 3.0's `nullable: true` as JSON Schema: `null` joins the type (and enum), or wraps the schema. */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, discriminator: _ignored, ...rest } = node as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, nullableToJsonSchema(v)]));
  if (nullable !== true) return out;
  // `nullable` beside allOf/oneOf/anyOf admits null whatever the sub-schemas say (e.g. FAPI's sign_in).
  const combined = 'allOf' in out || 'oneOf' in out || 'anyOf' in out;
  if (typeof out.type === 'string' && !combined) {
    return {
      ...out,
      type: [out.type, 'null'],
      ...(Array.isArray(out.enum) ? { enum: [...out.enum, null] } : {}),
    };
  }
  return { anyOf: [out, { type: 'null' }] };
}

const load = (file: string, id: string) => {
  const doc = nullableToJsonSchema(parse(readFileSync(`${contractDir}${file}`, 'utf8'))) as Doc;
  ajv.addSchema(doc as object, id);
  return doc;
};
// Backend API operation ids are PascalCase, Frontend API ones camelCase: no id is in both.
const contracts = [
  { id: 'bapi', doc: load('clerk-bapi-invitations.yml', 'bapi') },
  { id: 'bapi-directory', doc: load('clerk-bapi-directory-extra.yml', 'bapi-directory') },
  { id: 'fapi', doc: load('clerk-fapi-invitations.yml', 'fapi') },
  // Verified domains. Both files name an operation CreateOrganizationDomain: the Backend API's comes first;
  // Frontend API bodies are checked by schema name (assertFapiDomainsSchema).
  { id: 'bapi-domains', doc: load('clerk-bapi-domains.yml', 'bapi-domains') },
  { id: 'fapi-domains', doc: load('clerk-fapi-domains.yml', 'fapi-domains') },
];

const pointerEscape = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

/** JSON pointer to the schema of an operation's response with this status. */
function responseSchemaRef(operationId: string, status: number): string {
  for (const { id, doc } of contracts) {
    const ref = findResponse(id, doc, operationId, status);
    if (ref) return ref;
  }
  throw new Error(`Operation ${operationId} is not in the contract`);
}

function findResponse(id: string, doc: Doc, operationId: string, status: number): string | undefined {
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (op.operationId !== operationId) continue;
      const response = op.responses[String(status)] as { $ref?: string } | undefined;
      if (!response) throw new Error(`${operationId} declares no ${status} response in the contract`);
      const base = response.$ref
        ? response.$ref.slice(1)
        : `/paths/${pointerEscape(path)}/${method}/responses/${status}`;
      return `${id}#${base}/content/application~1json/schema`;
    }
  }
  return undefined;
}

const cache = new Map<string, ReturnType<typeof ajv.compile>>();

/** Validates `body` against the schema at `ref` (compiled once); throws `what` with Ajv's errors otherwise. */
function check(ref: string, what: string, body: unknown, excerpt = 600): void {
  let validate = cache.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    cache.set(ref, validate);
  }
  if (!validate(body)) {
    throw new Error(
      `${what}:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body).slice(0, excerpt)}`,
    );
  }
}

/** Throws with Ajv's errors when `body` does not match the contract's schema for this response. */
export function assertContract(operationId: string, status: number, body: unknown): void {
  check(responseSchemaRef(operationId, status), `${operationId} ${status} does not match the contract`, body);
}

/**
 * Checks `body` against a named schema of the Frontend API contract, for Invitekit's own routes whose
 * bodies reuse Clerk's shapes (decline and tickets/accept answer `Client.ClientWrappedOrganizationInvitationUserContext`).
 */
export function assertFapiSchema(schemaName: string, body: unknown): void {
  check(`fapi#/components/schemas/${pointerEscape(schemaName)}`, `${schemaName} does not match`, body);
}

/** Checks `body` against a named schema of the Frontend API domains contract (clerk-fapi-domains.yml). */
export function assertFapiDomainsSchema(schemaName: string, body: unknown): void {
  check(
    `fapi-domains#/components/schemas/${pointerEscape(schemaName)}`,
    `${schemaName} does not match`,
    body,
  );
}

/** Every error body is a ClerkErrors object with a stable code. */
export function assertClerkErrors(body: unknown): asserts body is {
  errors: { code: string; message: string; long_message: string; meta?: Record<string, unknown> }[];
} {
  check('bapi#/components/schemas/ClerkErrors', 'Not a ClerkErrors body', body);
}

/** Whether the vendored contract defines this operation (Invitekit's own additions are not in it). */
export function inContract(operationId: string): boolean {
  return contracts.some(({ doc }) =>
    Object.values(doc.paths).some((methods) =>
      Object.values(methods).some((op) => op.operationId === operationId),
    ),
  );
}

/**
 * For Invitekit's own operations (not in Clerk's contract): validates `body` against the server's own
 * OpenAPI document, the one generated from the route table's zod schemas and served at /v1/openapi.json.
 */
export function assertOwnDocument(
  document: object,
  operationId: string,
  status: number,
  body: unknown,
): void {
  const doc = document as Doc;
  const found = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => op.operationId === operationId)
      .map(
        ([method]) =>
          `/paths/${pointerEscape(path)}/${method}/responses/${status}/content/application~1json/schema`,
      ),
  );
  if (!found[0]) throw new Error(`Operation ${operationId} is not in the server's OpenAPI document`);
  if (!ajv.getSchema('own')) ajv.addSchema(nullableToJsonSchema(doc) as object, 'own');
  check(`own#${found[0]}`, `${operationId} ${status} does not match the OpenAPI document`, body);
}

// ---- webhooks -----------------------------------------------------------------------------------------

type Schema = Record<string, unknown>;

/**
 * Clerk's webhook contract composes payloads with `allOf`: the OrganizationInvitation schema (which has
 * `additionalProperties: false`) next to schemas that add `data` (the organization's public data) and, on
 * accepted, `user_id`. Read literally, JSON Schema rejects every such payload: each `allOf` member is
 * checked alone, and the closed member forbids the fields the other adds. We read it as intended: every
 * `allOf` is merged into one schema whose properties and required lists are the union of its members',
 * closed (`additionalProperties: false`) when any member is. Unknown fields still fail; the fields the
 * contract adds are checked against their own schemas.
 */
function mergeAllOf(node: unknown, doc: Schema): unknown {
  if (Array.isArray(node)) return node.map((n) => mergeAllOf(n, doc));
  if (!node || typeof node !== 'object') return node;
  const { allOf, ...rest } = node as Schema;
  const walked = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, mergeAllOf(v, doc)])) as Schema;
  if (!Array.isArray(allOf)) return walked;
  const resolve = (n: Schema): Schema => {
    if (typeof n.$ref !== 'string') return n;
    const target = n.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Schema)[key.replaceAll('~1', '/').replaceAll('~0', '~')], doc);
    return resolve(target as Schema);
  };
  const members = [...allOf, walked].map((m) => mergeAllOf(resolve(m as Schema), doc) as Schema);
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  let closed = false;
  for (const m of members) {
    for (const [key, value] of Object.entries((m.properties as Schema | undefined) ?? {})) {
      properties[key] = key in properties ? { allOf: [properties[key], value] } : value;
    }
    for (const key of (m.required as string[] | undefined) ?? []) required.add(key);
    if (m.additionalProperties === false) closed = true;
  }
  return {
    type: 'object',
    properties,
    required: [...required],
    ...(closed ? { additionalProperties: false } : {}),
  };
}

const webhooksRaw = parse(readFileSync(`${contractDir}clerk-webhooks-invitations.yml`, 'utf8')) as Schema;
const webhooks = nullableToJsonSchema(mergeAllOf(webhooksRaw, webhooksRaw)) as {
  'x-webhooks': Record<string, unknown>;
};
ajv.addSchema(webhooks as object, 'webhooks');

/** Throws with Ajv's errors when a webhook body does not match the contract's payload for its event type. */
export function assertWebhookContract(eventType: string, body: unknown): void {
  if (!(eventType in webhooks['x-webhooks'])) throw new Error(`${eventType} is not in the webhooks contract`);
  const ref = `webhooks#/x-webhooks/${pointerEscape(eventType)}/post/requestBody/content/application~1json/schema`;
  check(ref, `${eventType} webhook does not match the contract`, body, 800);
}
