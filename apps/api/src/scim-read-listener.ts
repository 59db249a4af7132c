import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import { requestStart, type RollcallRequest } from '@rollcall/common';
import type { ScimQuery, ScimRead, ScimReadLaneApi } from '@rollcall/scim';

type Listener = (request: IncomingMessage, response: ServerResponse) => void;
type Middleware = (request: Request, response: Response, next: NextFunction) => void;

/** The paths answered here, exactly as IdPs send them; any other spelling goes through Express. */
const READ =
  /^\/scim\/v2\/(Users|Groups)(?:\/([0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}))?$/;
const noop = () => undefined;

export interface ScimReadListenerParts {
  lanes: { Users: ScimReadLaneApi; Groups: ScimReadLaneApi };
  /** The middlewares Express runs before a SCIM route, in order (request id … provisioning log). */
  pipeline: Middleware[];
}

/**
 * SCIM reads answered by the HTTP server's own request listener, ahead of Express: Express's own
 * work per request (re-prototyping the request and response, the router, `res.json`) costs more
 * than the read (docs/performance.md). The read lane does the work (admission, pipe, service,
 * reply headers); this listener only takes a plain GET of `/scim/v2/Users|Groups[/{id}]` — no
 * body, no conditional headers — and, once the read succeeded, runs Express's pipeline middlewares
 * (request id, log line, security headers, shutdown tracking, metrics, provisioning log) on it and
 * writes the JSON as `res.json` would. Whatever fails before anything is written — a refusal, an
 * unknown id, a bad filter — is handed to Express unchanged, where the lane (or the controller)
 * answers it as always. test/scim-read-lane.e2e-spec.ts holds both to the controllers' answers.
 */
export function answerScimReadsFirst(
  server: Server,
  express: Express,
  parts: ScimReadListenerParts,
): void {
  const handOff = server.listeners('request') as Listener[];
  if (handOff.length !== 1)
    throw new Error('expected one request listener (Express) on the server');
  const [expressListener] = handOff as [Listener];
  const parseQuery = express.get('query parser fn') as (text: string) => ScimQuery;
  const etagOf = express.get('etag fn') as (body: string, encoding: string) => string | undefined;
  server.removeListener('request', expressListener);
  server.on('request', (request, response) => {
    const url = request.url ?? '';
    const mark = url.indexOf('?');
    const match = request.method === 'GET' ? READ.exec(mark < 0 ? url : url.slice(0, mark)) : null;
    const resource = match?.[1] as 'Users' | 'Groups' | undefined;
    const lane = resource ? parts.lanes[resource] : undefined;
    const headers = request.headers;
    if (
      !match ||
      !lane?.enabled ||
      headers['if-none-match'] !== undefined ||
      headers['if-modified-since'] !== undefined ||
      headers['transfer-encoding'] !== undefined ||
      (headers['content-length'] !== undefined && headers['content-length'] !== '0')
    ) {
      expressListener(request, response);
      return;
    }
    requestStart(request);
    const id = match[2];
    const query = parseQuery(mark < 0 ? '' : url.slice(mark + 1));
    const req = request as unknown as RollcallRequest;
    const res = response as unknown as Response;
    lane
      .read(req, res, query, id)
      .then(
        (read) => answer(req, res, read, id, lane),
        () => expressListener(request, response),
      )
      // A fault while answering (never expected): Express answers it if nothing was written yet.
      .catch(() => {
        if (response.headersSent) response.destroy();
        else expressListener(request, response);
      });
  });

  function answer(
    req: RollcallRequest,
    res: Response,
    read: ScimRead,
    id: string | undefined,
    lane: ScimReadLaneApi,
  ): void {
    // What Express gives a request and the route it matched, for the pipeline's middlewares.
    const path = (req.url ?? '').split('?')[0] ?? '';
    Object.assign(req, {
      originalUrl: req.url,
      baseUrl: '',
      route: { path: id === undefined ? path : path.slice(0, path.lastIndexOf('/')) + '/:id' },
    });
    Object.assign(res, { locals: {} });
    for (const middleware of parts.pipeline) middleware(req, res, noop);
    const body = lane.reply(res, read);
    res.statusCode = 200;
    if (body === undefined) {
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.setHeader('Content-Type', `${String(res.getHeader('Content-Type'))}; charset=utf-8`);
    if (res.getHeader('ETag') === undefined) {
      const etag = etagOf(text, 'utf8');
      if (etag) res.setHeader('ETag', etag);
    }
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
  }
}
