import { invalidParam } from './errors.js';

/** Clerk's limit for each metadata object, measured as serialised JSON. */
export const METADATA_MAX_BYTES = 8 * 1024;

export type Metadata = Record<string, unknown>;

/** Checks size; shape (a JSON object) is already checked by the request schema. */
export function checkMetadata(value: Metadata | null | undefined, param: string): Metadata {
  if (value == null) return {};
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > METADATA_MAX_BYTES) {
    throw invalidParam(
      param,
      `${param} is ${bytes} bytes of JSON; the limit is ${METADATA_MAX_BYTES}`,
      'form_param_exceeds_allowed_size',
    );
  }
  return value;
}

const isObject = (v: unknown): v is Metadata => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Clerk's metadata merge: a deep merge of `patch` into `current`, where nested objects merge key by key,
 * anything else replaces, and `null` removes the key at any level.
 */
export function mergeMetadata(current: Metadata, patch: Metadata): Metadata {
  const out: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key])) out[key] = mergeMetadata(out[key], value);
    else if (isObject(value)) out[key] = mergeMetadata({}, value);
    else out[key] = value;
  }
  return out;
}
