/**
 * A whole number from the environment, or undefined when unset or empty. Anything else than digits (a
 * typo, a unit such as `5s`) or outside [min, max] stops the server at start, naming the variable.
 */
export function envInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The object without its undefined values, so that core's defaults apply to what is unset. */
export const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
