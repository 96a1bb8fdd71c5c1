import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvitekitError } from '../domain/errors.js';
import { errorResponse } from './errors.js';
import type { InvitekitResponse } from './types.js';

/**
 * The ClerkErrors answer to an error Node's HTTP parser raised before any framework saw the request
 * (`http.Server`'s 'clientError' event): the statuses Node itself picks (431, 413, 408, else 400), with a
 * JSON body instead of an empty one.
 */
export function clientErrorResponse(err: unknown): InvitekitResponse {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return errorResponse(
        new InvitekitError({
          code: 'request_header_fields_too_large',
          message: 'request headers too large',
          longMessage: 'The request line and headers together are larger than the server accepts',
        }),
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return errorResponse(
        new InvitekitError({
          code: 'request_body_too_large',
          message: 'request body too large',
          longMessage: 'The chunk extensions of the request body are larger than the server accepts',
        }),
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errorResponse(
        new InvitekitError({
          code: 'request_timeout',
          message: 'request timeout',
          longMessage: 'The request was not received in full in time',
        }),
      );
    default:
      return errorResponse(
        new InvitekitError({
          code: 'malformed_request',
          message: 'malformed request',
          longMessage: 'The request is not valid HTTP/1.1',
          meta: typeof code === 'string' ? { parser_code: code } : undefined,
        }),
      );
  }
}

/**
 * A listener for `http.Server`'s 'clientError' event: `server.on('clientError', answerClientError)`.
 * Answers as Node's default listener does (only when no response on this connection has begun, then
 * closes it), but with a ClerkErrors JSON body, so parser errors look like every other error.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // The peer is gone, or a response is already on the wire: nothing well-formed can be added.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, headers, body } = clientErrorResponse(err);
  const payload = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    `content-length: ${Buffer.byteLength(payload)}`,
    'connection: close',
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${payload}`);
}
