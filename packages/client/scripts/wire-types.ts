import * as core from '@invitekit/core';
import { z } from 'zod';

type JsonSchema = {
  $ref?: string;
  nullable?: boolean;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  not?: JsonSchema;
  description?: string;
};

/** Exported name → schema. Nested schemas with a zod `id` become their own exported types. */
const roots: Record<string, z.ZodType> = {
  ClerkError: core.ClerkErrorSchema,
  ClerkErrors: core.ClerkErrorsSchema,
  // Frontend API (what a browser sees: never private metadata)
  OrganizationInvitation: core.FrontendOrganizationInvitationSchema,
  OrganizationInvitationWithOrganization: core.FrontendOrganizationInvitationUserContextSchema,
  InvitationPreview: core.InvitationPreviewSchema,
  // Backend API
  BackendOrganizationInvitation: core.OrganizationInvitationSchema,
  BackendOrganizationInvitationWithOrganization: core.OrganizationInvitationWithOrganizationSchema,
  // Invitekit extension: the answer to an edit, with the invitation's locale
  BackendEditedOrganizationInvitation: core.EditedOrganizationInvitationSchema,
  ApplicationInvitation: core.InvitationSchema,
  Organization: core.OrganizationSchema,
  OrganizationMembership: core.MembershipSchema,
  User: core.UserSchema,
  DeletedObject: core.DeletedObjectSchema,
  // Verified domains: suggestions and membership requests (Frontend API), domains (both APIs)
  OrganizationDomain: core.OrganizationDomainSchema,
  OrganizationSuggestion: core.OrganizationSuggestionSchema,
  OrganizationMembershipRequest: core.MembershipRequestSchema,
  // Join links (Invitekit extension; the same shapes on both APIs)
  JoinLink: core.JoinLinkSchema,
  JoinLinkUse: core.JoinLinkUseSchema,
  JoinLinkPreview: core.JoinLinkPreviewSchema,
  JoinLinkJoin: core.JoinLinkJoinSchema,
  // Invitekit extension: large imports (the same shape on both APIs; rows carry no metadata)
  InvitationImport: core.InvitationImportSchema,
  InvitationImportWithRows: core.InvitationImportWithRowsSchema,
};

/**
 * Request bodies: exported name → operationId in the OpenAPI document the server builds from its route
 * table. (Directory bodies, which accept and ignore many Clerk fields, are typed by hand in backend.ts.)
 */
const requests: Record<string, string> = {
  CreateInvitationParams: 'FrontendCreateOrganizationInvitation',
  CreateInvitationsParams: 'FrontendCreateOrganizationInvitationBulk',
  BackendCreateInvitationParams: 'CreateOrganizationInvitation',
  CreateJoinLinkParams: 'FrontendCreateJoinLink',
  BackendCreateJoinLinkParams: 'CreateJoinLink',
  UpdateInvitationParams: 'FrontendUpdateOrganizationInvitation',
  BackendUpdateInvitationParams: 'UpdateOrganizationInvitation',
};

/** zod ids → the names the client exports. */
const rename: Record<string, string> = {
  FrontendOrganizationInvitation: 'OrganizationInvitation',
  FrontendOrganizationInvitationUserContext: 'OrganizationInvitationWithOrganization',
  OrganizationInvitationPublicUserData: 'PublicUserData',
  OrganizationInvitationPublicOrganizationData: 'PublicOrganizationData',
  OrganizationInvitation: 'BackendOrganizationInvitation',
  OrganizationInvitationWithPublicOrganizationData: 'BackendOrganizationInvitationWithOrganization',
  EditedOrganizationInvitation: 'BackendEditedOrganizationInvitation',
  Invitation: 'ApplicationInvitation',
  OrganizationMembership: 'OrganizationMembership',
  EmailAddress: 'EmailAddress',
};

const nameOf = (id: string) => rename[id] ?? id;
/** After `name:`, a space unless the type starts on its own line. */
const type = (rendered: string) => (rendered.startsWith('\n') ? rendered : ` ${rendered}`);
const literal = (v: unknown) => (typeof v === 'string' ? `'${v.replaceAll("'", "\\'")}'` : JSON.stringify(v));
const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k));

/** A union on one line, or one member a line (as the formatter writes it) when that line would be long. */
const unionOf = (items: string[], indent: string) => {
  const line = items.join(' | ');
  return line.length <= 80 ? line : items.map((i) => `\n${indent}  | ${i}`).join('');
};

function render(s: JsonSchema, indent: string): string {
  if (s.nullable) {
    const { nullable: _, ...rest } = s;
    const inner = render(rest, indent);
    return inner.startsWith('\n') ? `${inner}\n${indent}  | null` : `${inner} | null`;
  }
  if (s.$ref) return nameOf(s.$ref.replace('#/$defs/', ''));
  if (s.not && Object.keys(s.not).length === 0) return 'never';
  if ('const' in s) return literal(s.const);
  if (s.enum) return unionOf(s.enum.map(literal), indent);
  const union = s.anyOf ?? s.oneOf;
  if (union) {
    const parts = union.map((u) => render(u, indent));
    if (!parts.some((p) => p.startsWith('\n'))) return parts.join(' | ');
    return parts.map((p) => (p.startsWith('\n') ? p : `\n${indent}  | ${p}`)).join('');
  }
  if (Array.isArray(s.type)) return s.type.map((t) => render({ ...s, type: t }, indent)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = render(s.items ?? {}, indent);
      return /[|&]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) {
        const extra = s.additionalProperties;
        return `Record<string, ${typeof extra === 'object' ? render(extra, indent) : 'unknown'}>`;
      }
      const inner = `${indent}  `;
      const required = new Set(s.required ?? []);
      const lines = props.map(
        ([k, v]) =>
          `${v.description ? `${inner}/** ${v.description} */\n` : ''}${inner}${key(k)}${required.has(k) ? '' : '?'}:${type(render(v, inner))};`,
      );
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    default:
      return 'unknown';
  }
}

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      { operationId?: string; requestBody?: { content: Record<string, { schema: JsonSchema }> } }
    >
  >;
};

async function requestBodies(): Promise<Record<string, JsonSchema>> {
  const invitekit = await core.createInvitekit({ database: { dataDir: 'memory://' } });
  try {
    const doc = invitekit.openapi() as unknown as OpenApi;
    const byOperation = new Map<string, JsonSchema>();
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (op.operationId && schema) byOperation.set(op.operationId, schema);
      }
    }
    return Object.fromEntries(
      Object.entries(requests).map(([name, operationId]) => {
        const schema = byOperation.get(operationId);
        if (!schema) throw new Error(`No request body for ${operationId} in the OpenAPI document`);
        return [name, schema];
      }),
    );
  } finally {
    await invitekit.close();
  }
}

/** The source of src/wire.gen.ts. */
export async function renderWireTypes(): Promise<string> {
  const out = new Map<string, string>();
  const emit = (name: string, schema: JsonSchema) => {
    if (out.has(name)) return;
    const body = render(schema, '');
    out.set(
      name,
      body.startsWith('{') ? `export interface ${name} ${body}` : `export type ${name} = ${body};`,
    );
  };
  for (const [name, schema] of Object.entries(roots)) {
    const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
    const { $defs = {}, $ref, ...rest } = json;
    const rootId = $ref?.replace('#/$defs/', '');
    emit(name, rootId ? $defs[rootId]! : rest);
    for (const [id, def] of Object.entries($defs)) if (id !== rootId) emit(nameOf(id), def);
  }
  for (const [name, schema] of Object.entries(await requestBodies())) emit(name, schema);
  const header = [
    '// Generated by scripts/generate-wire-types.ts from @invitekit/core: response types from its zod response',
    '// schemas, request bodies from the OpenAPI document its route table builds. Do not edit.',
    '',
  ];
  return `${[...header, ...[...out.values()].join('\n\n').split('\n')].join('\n')}\n`;
}
