// What PostgreSQL can store, checked before it is asked to. It refuses U+0000 in text and jsonb, and a
// lone UTF-16 surrogate escaped in jsonb ("\ud800"); both were 500s. Deep nesting overflows the stack of
// every recursive routine after JSON.parse (JSON.stringify, serialisers), so depth is bounded too.

/** A NUL or any surrogate: the cheap test almost every string passes. */
const SUSPECT = /[\0\uD800-\uDFFF]/;
/** A NUL, or a surrogate half without its partner. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type UnstorableReason = 'nul' | 'surrogate' | 'depth';

export interface Unstorable {
  reason: UnstorableReason;
  /** Keys from the root to the offending value (or the object whose key is at fault). */
  path: (string | number)[];
}

/** Why `s` cannot be stored as text, or null when it can. */
export function unstorableText(s: string): 'nul' | 'surrogate' | null {
  if (!SUSPECT.test(s)) return null;
  const match = UNSTORABLE.exec(s);
  if (!match) return null;
  return match[0] === '\0' ? 'nul' : 'surrogate';
}

/**
 * The first string (value or object key) in `value` that PostgreSQL cannot store, or the first value
 * nested deeper than `maxDepth` levels (the root object or array is level 1, its children's objects level 2).
 * It recurses, but never past `maxDepth` frames, so any input is safe to walk; it stops at the first finding.
 */
export function findUnstorable(value: unknown, maxDepth: number): Unstorable | null {
  return walk(value, 0, maxDepth);
}

function walk(v: unknown, depth: number, maxDepth: number): Unstorable | null {
  if (typeof v === 'string') {
    const reason = unstorableText(v);
    return reason ? { reason, path: [] } : null;
  }
  if (v === null || typeof v !== 'object') return null;
  if (depth >= maxDepth) return { reason: 'depth', path: [] };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = walk(v[i], depth + 1, maxDepth);
      if (found) {
        found.path.unshift(i);
        return found;
      }
    }
    return null;
  }
  for (const key of Object.keys(v)) {
    const reason = unstorableText(key);
    const found = reason
      ? { reason, path: [] }
      : walk((v as Record<string, unknown>)[key], depth + 1, maxDepth);
    if (found) {
      found.path.unshift(key);
      return found;
    }
  }
  return null;
}

/** What is wrong, in words for a long_message. */
export const unstorableMessage = (reason: UnstorableReason, maxDepth: number) =>
  reason === 'nul'
    ? 'contains a NUL character (U+0000), which is not accepted'
    : reason === 'surrogate'
      ? 'contains an unpaired UTF-16 surrogate (not a Unicode character), which is not accepted'
      : `is nested more than ${maxDepth} levels deep`;
