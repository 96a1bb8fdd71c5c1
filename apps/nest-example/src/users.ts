import { Injectable } from '@nestjs/common';

/** A user of the host app, signed in with a session token (a stand-in for the app's real sign-in). */
export interface AppUser {
  id: string;
  email: string;
  name: string;
  sessionToken: string;
  /** This user's id in Invitekit's directory, once mirrored there. */
  invitekitUserId?: string;
}

/** The host's own user store. In memory here; a real app has its database and identity provider. */
@Injectable()
export class UsersService {
  private readonly users: AppUser[] = [
    { id: 'u_ada', email: 'ada@acme.test', name: 'Ada Lovelace', sessionToken: 'session-ada' },
    { id: 'u_bob', email: 'bob@acme.test', name: 'Bob Byte', sessionToken: 'session-bob' },
  ];

  bySessionToken(token: string): AppUser | undefined {
    return this.users.find((u) => u.sessionToken === token);
  }

  byId(id: string): AppUser | undefined {
    return this.users.find((u) => u.id === id);
  }
}
