import type { InvitekitConfig } from '@invitekit/core';

/** Each variable, the core option it sets, and what it counts. Unset: core's default; 0: off. */
const LIMIT_VARS = {
  INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION: 'maxPendingPerOrganization',
  INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR: 'maxPerInviterPerHour',
  INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE: 'maxTokenRequestsPerClientPerMinute',
} as const;

const wholeNumber = (name: string, value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new Error(
      `${name} must be a whole number ≥ 0 (0 turns the limit off), got ${JSON.stringify(value)}`,
    );
  }
  return n;
};

/**
 * The abuse limits and the trusted-proxy count from the environment (see README.md, "Limits"):
 * INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION, INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR,
 * INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE, INVITEKIT_TRUSTED_PROXIES.
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Pick<InvitekitConfig, 'limits' | 'trustedProxies'> {
  const limits: NonNullable<InvitekitConfig['limits']> = {};
  for (const [name, option] of Object.entries(LIMIT_VARS)) {
    const value = env[name]?.trim();
    if (value) limits[option] = wholeNumber(name, value);
  }
  const proxies = env.INVITEKIT_TRUSTED_PROXIES?.trim();
  return {
    limits,
    ...(proxies ? { trustedProxies: wholeNumber('INVITEKIT_TRUSTED_PROXIES', proxies) } : {}),
  };
}
