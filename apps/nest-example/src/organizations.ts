import { Injectable } from '@nestjs/common';

/** An organization of the host app, and who administers it. */
export interface AppOrganization {
  id: string;
  name: string;
  adminIds: string[];
}

/** The host's own organizations. */
@Injectable()
export class OrganizationsService {
  private readonly organizations: AppOrganization[] = [{ id: 'acme', name: 'Acme', adminIds: ['u_ada'] }];

  byId(id: string): AppOrganization | undefined {
    return this.organizations.find((o) => o.id === id);
  }
}
