import type { Route } from './route.js';

interface CompiledRoute {
  route: Route;
  segments: string[];
  /** Names of `{param}` segments, by position. */
  params: (string | null)[];
}

export type Match = { route: Route; params: Record<string, string> } | { allowed: string[] } | null;

/**
 * Matches a method and path against the route table. Literal segments beat parameters
 * (`/invitations/bulk` before `/invitations/{id}`), whatever the table's order.
 */
export class Router {
  /** By number of segments (a path can only match routes of its own length), most specific first. */
  private readonly byLength = new Map<number, CompiledRoute[]>();

  constructor(routes: Route[]) {
    const compiled = routes
      .map((route) => {
        const segments = route.path.split('/').filter(Boolean);
        return {
          route,
          segments,
          params: segments.map((s) => (s.startsWith('{') ? s.slice(1, -1) : null)),
        };
      })
      .sort((a, b) => specificity(b) - specificity(a));
    for (const c of compiled) {
      const same = this.byLength.get(c.segments.length);
      if (same) same.push(c);
      else this.byLength.set(c.segments.length, [c]);
    }
  }

  match(method: string, path: string): Match {
    const parts = path.split('?')[0]!.split('/').filter(Boolean);
    const allowed: string[] = [];
    for (const c of this.byLength.get(parts.length) ?? []) {
      let params: Record<string, string> | null = {};
      for (let i = 0; i < parts.length && params; i++) {
        const name = c.params[i];
        if (name) {
          try {
            params[name] = decodeURIComponent(parts[i]!);
          } catch {
            params = null;
          }
        } else if (c.segments[i] !== parts[i]) params = null;
      }
      if (!params) continue;
      if (c.route.method === method) return { route: c.route, params };
      allowed.push(c.route.method);
    }
    return allowed.length ? { allowed } : null;
  }
}

/** Literal segments weigh more the earlier they appear. */
function specificity(c: CompiledRoute): number {
  return c.params.reduce((sum, p, i) => sum + (p === null ? 2 ** (16 - i) : 0), 0);
}
