import { invalidParam } from './errors.js';

export interface RoleDefinition {
  /** The key stored on invitations and memberships, e.g. `org:admin`. */
  key: string;
  /** Human name, returned as `role_name`. */
  name: string;
  /** Permissions returned on memberships. A role with `org:sys_memberships:manage` administers invitations. */
  permissions: string[];
}

export const MANAGE_MEMBERSHIPS = 'org:sys_memberships:manage';

const adminPermissions = [
  'org:sys_profile:manage',
  'org:sys_profile:delete',
  'org:sys_memberships:read',
  MANAGE_MEMBERSHIPS,
  'org:sys_domains:read',
  'org:sys_domains:manage',
];

export const defaultRoles: RoleDefinition[] = [
  { key: 'org:admin', name: 'Admin', permissions: adminPermissions },
  { key: 'org:member', name: 'Member', permissions: ['org:sys_memberships:read'] },
];

/** The configured roles, looked up by key. */
export class Roles {
  private readonly byKey: Map<string, RoleDefinition>;

  constructor(roles: RoleDefinition[] = defaultRoles) {
    if (roles.length === 0) throw new Error('Invitekit: at least one role must be configured');
    this.byKey = new Map(roles.map((role) => [role.key, role]));
    if (![...this.byKey.values()].some((role) => role.permissions.includes(MANAGE_MEMBERSHIPS))) {
      throw new Error(`Invitekit: at least one role needs the ${MANAGE_MEMBERSHIPS} permission`);
    }
  }

  /** The role for `key`, or a 422 naming the allowed keys. */
  require(key: string, param = 'role'): RoleDefinition {
    const role = this.byKey.get(key);
    if (!role) {
      throw invalidParam(
        param,
        `${JSON.stringify(key)} is not a role; use one of ${[...this.byKey.keys()].join(', ')}`,
      );
    }
    return role;
  }

  /** Every role key, in the configured order (join links rank roles by it: first is highest). */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  name(key: string): string {
    return this.byKey.get(key)?.name ?? key;
  }

  permissions(key: string): string[] {
    return this.byKey.get(key)?.permissions ?? [];
  }

  isAdmin(key: string | null | undefined): boolean {
    return key != null && this.permissions(key).includes(MANAGE_MEMBERSHIPS);
  }

  /** The role automatic enrollment gives: `org:member` when configured, else the first non-admin role. */
  defaultKey(): string {
    const roles = [...this.byKey.values()];
    return (this.byKey.get('org:member') ?? roles.find((r) => !this.isAdmin(r.key)) ?? roles[0]!).key;
  }

  /** Keys of every role that may administer invitations, for queries. */
  adminKeys(): string[] {
    return [...this.byKey.values()]
      .filter((r) => r.permissions.includes(MANAGE_MEMBERSHIPS))
      .map((r) => r.key);
  }
}
