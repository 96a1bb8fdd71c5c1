import express, { type NextFunction, type Request, type Response } from 'express';

/** `application/json`, optionally with `charset=utf-8`, and no other parameter. */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*("?)utf-8\1\s*)?$/i;
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A body-parser size (`100kb`, or bytes) in bytes; undefined for a syntax this reader leaves to body-parser. */
export function limitInBytes(limit: string | number): number | undefined {
  if (typeof limit === 'number') return limit;
  const match = SIZE.exec(limit.trim());
  return match ? Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!) : undefined;
}

/** A 400 shaped as body-parser's (http-errors `status` and `type`), which core maps to a ClerkError. */
const badRequest = (err: Error, type: string) => Object.assign(err, { status: 400, statusCode: 400, type });

/** body-parser's strict JSON: empty is `{}`, and the top level must be an object or an array. */
function parseStrict(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed === '') return {};
  if (trimmed[0] !== '{' && trimmed[0] !== '[') {
    throw badRequest(
      new SyntaxError(`Unexpected token '${trimmed[0]}': the body must be a JSON object or array`),
      'entity.parse.failed',
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(err as Error, 'entity.parse.failed');
  }
}

/**
 * Reads the JSON request body into `req.body`, as `express.json({ limit })` does. The common request, an
 * uncompressed `application/json` body in UTF-8 whose Content-Length is within the limit, is read here:
 * body-parser's generality (content negotiation, decoding streams, `on-finished`) cost the server tens of
 * microseconds per request. Everything else goes to body-parser itself, so compressed bodies, other
 * charsets, chunked uploads, oversize bodies and bodies the host already parsed behave exactly as before.
 */
export function readJsonBody(limit: string | number, options: { csv?: boolean } = {}) {
  const jsonParser = express.json({ limit });
  // With `csv` (the routes core marks largeBody: imports), a text/csv body reaches core as a string.
  const csvParser = options.csv ? express.text({ type: 'text/csv', limit }) : null;
  const bodyParser = csvParser
    ? (req: Request, res: Response, next: NextFunction) =>
        jsonParser(req, res, (err?: unknown) => (err ? next(err) : csvParser(req, res, next)))
    : jsonParser;
  const maxBytes = limitInBytes(limit);
  return (req: Request, res: Response, next: NextFunction): void => {
    const length = req.headers['content-length'];
    const encoding = req.headers['content-encoding'];
    // No body at all (a GET): nothing to read, as body-parser decides from the same two headers.
    if (length === undefined && req.headers['transfer-encoding'] === undefined) {
      next();
      return;
    }
    const plain =
      maxBytes !== undefined &&
      req.body === undefined &&
      !req.readableEnded &&
      length !== undefined &&
      /^\d+$/.test(length) &&
      Number(length) <= maxBytes &&
      (encoding === undefined || encoding.toLowerCase() === 'identity') &&
      PLAIN_JSON.test(req.headers['content-type'] ?? '');
    if (!plain) {
      bodyParser(req, res, next);
      return;
    }

    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      next(err);
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', (err) => settle(badRequest(err, 'request.aborted')));
    req.on('end', () => {
      // Like iconv-lite under body-parser, drop a byte order mark.
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))
        .toString('utf8')
        .replace(/^\uFEFF/, '');
      try {
        req.body = parseStrict(text);
      } catch (err) {
        return settle(err);
      }
      settle();
    });
  };
}
