import { maxHeaderSize, type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { DomainError, type ErrorCode } from '../errors/domain-error';
import { normalizeError } from '../errors/error-response';
import { renderError } from './error.filter';

/** What Node's HTTP parser reports when it refuses a request before Express sees it. */
interface ClientError extends Error {
  code?: string;
  /** llhttp's words for a parse error, e.g. "Invalid header token". */
  reason?: string;
  /** The bytes being parsed when it failed: the request line, when the head came in one read. */
  rawPacket?: Buffer;
}

/** The path of the request line at the start of `packet`, if it is there. */
const REQUEST_LINE = /^[A-Z]+ (\/[^ ?\r\n]*)/;

/** How long a refused connection may stay half-open after its answer. */
const LINGER_MS = 5_000;

function refusal(error: ClientError): [ErrorCode, string] {
  switch (error.code ?? '') {
    case 'HPE_HEADER_OVERFLOW':
      return [
        'headers_too_large',
        `The request line and headers are larger than ${maxHeaderSize} bytes. Send a long SCIM filter in the body of POST /scim/v2/Users/.search (or /Groups/.search).`,
      ];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return ['payload_too_large', 'The chunk extensions of the request body are too large.'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ['request_timeout', 'The request did not arrive in full in time.'];
    default:
      return [
        'malformed_request',
        `The request is not valid HTTP/1.1: ${error.reason ?? error.message}.`,
      ];
  }
}

/**
 * Requests Node's HTTP parser refuses (headers over its limit, bytes that are not HTTP, a request
 * that never finished arriving) are answered as Node would answer them, with the same status, but
 * with a body in the format of the path, naming the reason, instead of an empty one. The path comes
 * from the request line when the refused bytes hold it (the head arrived in one read); otherwise the
 * answer is problem+json.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: ClientError, socket: Socket) => {
    // As Node's own handler: only a connection that can still take an answer and has none yet.
    if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const [code, detail] = refusal(error);
    const path = REQUEST_LINE.exec(error.rawPacket?.toString('latin1', 0, 2048) ?? '')?.[1] ?? '';
    const normalized = normalizeError(new DomainError(code, detail), '', path);
    const { type, body } = renderError(normalized, path);
    socket.end(
      `HTTP/1.1 ${normalized.status} ${STATUS_CODES[normalized.status] ?? ''}\r\n` +
        `Content-Type: ${type}; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}
