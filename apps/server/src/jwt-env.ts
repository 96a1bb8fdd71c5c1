/** Token age and clock settings of the session-token (JWT) check, from the environment. */
export interface JwtChecks {
  maxTokenAge?: number | string;
  clockToleranceSeconds?: number;
}

const SPAN = /^(\d+)\s*(s|m|h|d)?$/;

/**
 * INVITEKIT_JWT_MAX_AGE: the oldest session token accepted, by its `iat` (then required): seconds, or a
 * number with `s`, `m`, `h` or `d` (`15m`). INVITEKIT_JWT_CLOCK_TOLERANCE: seconds of clock skew allowed
 * on `exp`, `nbf` and `iat` (default 5). A malformed value fails at start, naming the variable.
 */
export function jwtChecksFromEnv(env: NodeJS.ProcessEnv): JwtChecks {
  const checks: JwtChecks = {};
  const maxAge = env.INVITEKIT_JWT_MAX_AGE?.trim();
  if (maxAge) {
    const m = SPAN.exec(maxAge);
    if (!m || Number(m[1]) === 0) {
      throw new Error(`INVITEKIT_JWT_MAX_AGE must be seconds or a span like 15m, 12h, 7d; got ${maxAge}`);
    }
    checks.maxTokenAge = m[2] ? `${m[1]}${m[2]}` : Number(m[1]);
  }
  const tolerance = env.INVITEKIT_JWT_CLOCK_TOLERANCE?.trim();
  if (tolerance) {
    if (!/^\d+$/.test(tolerance) || Number(tolerance) > 300) {
      throw new Error(`INVITEKIT_JWT_CLOCK_TOLERANCE must be whole seconds, 0–300; got ${tolerance}`);
    }
    checks.clockToleranceSeconds = Number(tolerance);
  }
  return checks;
}
