import type { IncomingMessage, ServerResponse } from 'node:http';
import { storage } from 'nestjs-pino/storage';
import type { Level, Logger } from 'pino';

/** What every line logged during a request says about it: never headers or the query string. */
export interface RequestBindings {
  id: string;
  method: string;
  path: string;
  remoteAddress: string | undefined;
}

/** Probes would drown the log. */
const UNLOGGED_PREFIX = '/health';

/**
 * The request's logger, made on first use: most requests log nothing but their last line, and a
 * child logger serializes (and redacts) its bindings when it is made.
 */
class RequestContext {
  private child: Logger | undefined;

  constructor(
    private readonly root: Logger,
    readonly bindings: RequestBindings,
  ) {}

  /** Read by nestjs-pino's Logger for every line logged while the request runs. */
  get logger(): Logger {
    this.child ??= this.root.child({ req: this.bindings });
    return this.child;
  }
}

/**
 * One JSON line per request when its response is finished (or the client went away first): the
 * request id, method, path (no query string, which may carry PII from SCIM filters), client address,
 * status and time taken. Lines logged by code while the request runs carry the same `req`, through
 * nestjs-pino's AsyncLocalStorage. Runs right after {@link assignRequestId}.
 */
export function requestLogger(root: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const id = (req as { id?: unknown }).id;
    const context = new RequestContext(root, {
      id: typeof id === 'string' ? id : 'unknown',
      method: req.method ?? '',
      path,
      remoteAddress: req.socket.remoteAddress,
    });
    if (!path.startsWith(UNLOGGED_PREFIX)) {
      const started = Date.now();
      const done = () => {
        res.removeListener('finish', done);
        res.removeListener('close', done);
        const level: Level = res.statusCode >= 500 ? 'error' : 'info';
        if (!root.isLevelEnabled(level)) return;
        const message = !res.writableFinished
          ? 'request aborted'
          : level === 'error'
            ? 'request errored'
            : 'request completed';
        context.logger[level](
          { res: { statusCode: res.statusCode }, responseTime: Date.now() - started },
          message,
        );
      };
      res.on('finish', done);
      res.on('close', done);
    }
    storage.run(context, next);
  };
}
