import { invalidParam } from './errors.js';
import { findUnstorable, unstorableMessage } from './storable.js';

/** Clerk's limit for each metadata object, measured as serialised JSON. */
export const METADATA_MAX_BYTES = 8 * 1024;

/**
 * How deep a metadata object may nest (the object itself is level 1). Checked before the size, whose
 * JSON.stringify is recursive: 20,000 levels in 40 KB overflowed the stack.
 */
export const METADATA_MAX_DEPTH = 32;

export type Metadata = Record<string, unknown>;

/** Checks nesting, content (no NUL, no lone surrogate) and size; shape is checked by the request schema. */
export function checkMetadata(value: Metadata | null | undefined, param: string): Metadata {
  if (value == null) return {};
  const bad = findUnstorable(value, METADATA_MAX_DEPTH);
  if (bad) {
    const name = [param, ...bad.path].join('.');
    throw bad.reason === 'depth'
      ? invalidParam(
          param,
          `${param} ${unstorableMessage('depth', METADATA_MAX_DEPTH)}`,
          'form_param_exceeds_allowed_size',
        )
      : invalidParam(param, `${name} ${unstorableMessage(bad.reason, METADATA_MAX_DEPTH)}`);
  }
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
