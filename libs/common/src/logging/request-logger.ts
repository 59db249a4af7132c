import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import { requestStart } from '../http/request-start';

/** What the line of a request says about it: never headers or the query string. */
export interface RequestBindings {
  id: string;
  method: string;
  path: string;
  remoteAddress: string | undefined;
}

/** Probes would drown the log. */
const UNLOGGED_PREFIX = '/health';

/**
 * One JSON line per request when its response is finished (or the client went away first): the
 * request id, method, path (no query string, which may carry PII from SCIM filters), client address,
 * status and time taken. Runs right after {@link assignRequestId}.
 *
 * Lines that code logs while a request runs are not bound to it through AsyncLocalStorage: on
 * Node 20 that puts a hook on every promise of every request (a tenth to a sixth of the server's CPU
 * per SCIM create). The few such lines name what they are about themselves; the error filter's
 * carry the request id, which every response also has in `X-Request-Id`.
 */
export function requestLogger(root: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path.startsWith(UNLOGGED_PREFIX)) {
      next();
      return;
    }
    const started = requestStart(req).at.getTime();
    // Read now: once the connection is gone the socket no longer knows its peer.
    const remoteAddress = req.socket?.remoteAddress;
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      const level: Level = res.statusCode >= 500 ? 'error' : 'info';
      if (!root.isLevelEnabled(level)) return;
      const id = (req as { id?: unknown }).id;
      const bindings: RequestBindings = {
        id: typeof id === 'string' ? id : 'unknown',
        method: req.method ?? '',
        path,
        remoteAddress,
      };
      const message = !res.writableFinished
        ? 'request aborted'
        : level === 'error'
          ? 'request errored'
          : 'request completed';
      root[level](
        { req: bindings, res: { statusCode: res.statusCode }, responseTime: Date.now() - started },
        message,
      );
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
