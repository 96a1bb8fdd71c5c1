import { describe, expect, it } from 'vitest';
import { InvitekitError } from '../src/domain/errors.js';
import { checkMetadata, METADATA_MAX_DEPTH } from '../src/domain/metadata.js';
import { findUnstorable, unstorableText } from '../src/domain/storable.js';
import { clientErrorResponse } from '../src/http/client-error.js';

/** `depth` levels of `{ a: … }` (the outer object is level 1), built without recursion. */
const nested = (depth: number) => {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
};

describe('unstorableText', () => {
  it('finds NUL and unpaired surrogates, and passes paired ones', () => {
    expect(unstorableText('a\u0000b')).toBe('nul');
    expect(unstorableText('\ud800')).toBe('surrogate');
    expect(unstorableText('x\udfff')).toBe('surrogate');
    expect(unstorableText('\udc00\ud800')).toBe('surrogate');
    expect(unstorableText('😀 ü K')).toBeNull();
    expect(unstorableText('')).toBeNull();
  });
});

describe('findUnstorable', () => {
  it('reports the path of a bad value or key', () => {
    expect(findUnstorable({ a: [1, { b: 'x\u0000' }] }, 10)).toEqual({ reason: 'nul', path: ['a', 1, 'b'] });
    expect(findUnstorable({ a: { 'k\ud800': 1 } }, 10)).toEqual({
      reason: 'surrogate',
      path: ['a', 'k\ud800'],
    });
    expect(findUnstorable({ a: 1, b: [true, null, 'ok'] }, 10)).toBeNull();
  });

  it('counts the root as level 1 and walks 1,000,000 levels without recursion', () => {
    expect(findUnstorable(nested(3), 3)).toBeNull();
    expect(findUnstorable(nested(4), 3)).toEqual({ reason: 'depth', path: ['a', 'a', 'a'] });
    expect(findUnstorable(nested(1_000_000), 64)?.reason).toBe('depth');
  });
});

describe('checkMetadata', () => {
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (err instanceof InvitekitError) return { status: err.status, ...err.errors[0] };
      throw err;
    }
    return null;
  };

  it(`takes ${METADATA_MAX_DEPTH} levels and refuses one more with 422`, () => {
    expect(checkMetadata(nested(METADATA_MAX_DEPTH), 'public_metadata')).toEqual(nested(METADATA_MAX_DEPTH));
    expect(refusal(() => checkMetadata(nested(METADATA_MAX_DEPTH + 1), 'public_metadata'))).toMatchObject({
      status: 422,
      code: 'form_param_exceeds_allowed_size',
      meta: { param_name: 'public_metadata' },
    });
  });

  it('refuses 20,000 levels (which overflowed JSON.stringify) with 422, not a RangeError', () => {
    expect(refusal(() => checkMetadata(nested(20_000), 'private_metadata'))).toMatchObject({
      status: 422,
      code: 'form_param_exceeds_allowed_size',
    });
  });

  it('refuses NUL and lone surrogates in keys and values for callers of the services too', () => {
    expect(refusal(() => checkMetadata({ 'k\u0000': 1 }, 'public_metadata'))).toMatchObject({
      status: 422,
      code: 'form_param_value_invalid',
    });
    expect(refusal(() => checkMetadata({ k: ['\ud800'] }, 'public_metadata'))?.status).toBe(422);
  });
});

describe('clientErrorResponse', () => {
  it('maps Node parser errors to the statuses Node uses, with ClerkErrors bodies', () => {
    const status = (code: string) => clientErrorResponse(Object.assign(new Error(code), { code })).status;
    expect(status('HPE_HEADER_OVERFLOW')).toBe(431);
    expect(status('HPE_CHUNK_EXTENSIONS_OVERFLOW')).toBe(413);
    expect(status('ERR_HTTP_REQUEST_TIMEOUT')).toBe(408);
    expect(status('HPE_INVALID_METHOD')).toBe(400);
    expect(clientErrorResponse(new Error('x')).body).toMatchObject({
      errors: [
        {
          code: 'malformed_request',
          message: 'malformed request',
          long_message: 'The request is not valid HTTP/1.1',
        },
      ],
    });
  });
});
