/** A user of the host app (a stand-in for its real user table and password hashing). */
export interface AppUser {
  id: string;
  email: string;
  name: string;
  password: string;
  /** This user's id in Invitekit's directory, once mirrored there. */
  invitekitUserId?: string;
}

/** An organization of the host app, and who administers it. */
export interface AppOrganization {
  id: string;
  name: string;
  adminIds: string[];
}

/** The host's own users and organizations. In memory here; a real app has its database. */
export class Directory {
  readonly users: AppUser[] = [
    { id: 'u_ada', email: 'ada@acme.test', name: 'Ada Lovelace', password: 'ada-password' },
    { id: 'u_bob', email: 'bob@acme.test', name: 'Bob Byte', password: 'bob-password' },
  ];
  readonly organizations: AppOrganization[] = [{ id: 'acme', name: 'Acme', adminIds: ['u_ada'] }];

  signIn(email: string, password: string): AppUser | undefined {
    return this.users.find((u) => u.email === email.toLowerCase() && u.password === password);
  }

  user(id: string | undefined): AppUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  organization(id: string): AppOrganization | undefined {
    return this.organizations.find((o) => o.id === id);
  }
}
