import type { Invitekit, InvitekitServices } from '@invitekit/core';
import { Inject, Injectable } from '@nestjs/common';
import { INVITEKIT } from './invitekit.constants.js';

/**
 * Invitekit's service API for your own providers, injectable by class:
 * `constructor(@Inject(InvitekitService) private readonly invitekit: InvitekitService)`, then
 * `this.invitekit.organizationInvitations.create(orgId, { emailAddress, role })`.
 */
@Injectable()
export class InvitekitService {
  constructor(@Inject(INVITEKIT) readonly instance: Invitekit) {}

  /** Organization invitations: create, bulk create, get, list, revoke. */
  get organizationInvitations(): InvitekitServices['organizationInvitations'] {
    return this.instance.services.organizationInvitations;
  }

  /** Application (instance) invitations. */
  get invitations(): InvitekitServices['invitations'] {
    return this.instance.services.invitations;
  }

  /** Invitekit's directory of organizations. */
  get organizations(): InvitekitServices['organizations'] {
    return this.instance.services.organizations;
  }

  /** Organization memberships. */
  get memberships(): InvitekitServices['memberships'] {
    return this.instance.services.memberships;
  }

  /** Invitekit's directory of users. */
  get users(): InvitekitServices['users'] {
    return this.instance.services.users;
  }
}
