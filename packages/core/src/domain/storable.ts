// What PostgreSQL can store, checked before it is asked to. It refuses U+0000 in text and jsonb, and a
// lone UTF-16 surrogate escaped in jsonb ("\ud800"); both were 500s. Deep nesting overflows the stack of
// every recursive routine after JSON.parse (JSON.stringify, serialisers), so depth is bounded too.

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
  const match = UNSTORABLE.exec(s);
  if (!match) return null;
  return match[0] === '\0' ? 'nul' : 'surrogate';
}

/**
 * The first string (value or object key) in `value` that PostgreSQL cannot store, or the first value
 * nested deeper than `maxDepth` levels (the root object or array is level 1, its children's objects level 2).
 * Iterative, so any depth is safe to walk; it stops at the first finding.
 */
export function findUnstorable(value: unknown, maxDepth: number): Unstorable | null {
  // Each entry links to its parent, so a path is built only for a finding, not copied for every node.
  interface Entry {
    value: unknown;
    key: string | number | null;
    up: Entry | null;
    depth: number;
  }
  const pathOf = (entry: Entry | null, last?: string) => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let e = entry; e && e.key !== null; e = e.up) path.unshift(e.key);
    return path;
  };
  const stack: Entry[] = [{ value, key: null, up: null, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const v = entry.value;
    if (typeof v === 'string') {
      const reason = unstorableText(v);
      if (reason) return { reason, path: pathOf(entry) };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (entry.depth >= maxDepth) return { reason: 'depth', path: pathOf(entry).slice(0, maxDepth) };
    const depth = entry.depth + 1;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, up: entry, depth });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const reason = unstorableText(key);
      if (reason) return { reason, path: pathOf(entry, key) };
      stack.push({ value: (v as Record<string, unknown>)[key], key, up: entry, depth });
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
