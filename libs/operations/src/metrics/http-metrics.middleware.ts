import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ERROR_OUTCOME, type ErrorOutcome, requestStart } from '@rollcall/common';
import { MetricsService, type ScimOperation } from './metrics.service';

/** The label of requests no route matched (404s, probes of random paths): never the raw path. */
export const UNMATCHED_ROUTE = '(unmatched)';
/** What Express reports as the route of a request only this middleware (`forRoutes('*path')`) saw. */
const CATCH_ALL_ROUTES = new Set(['/{*path}', '*path', '/*path', '*']);
const SCIM_BASE = '/scim/v2/';
const SCIM_RESOURCES = new Set(['Users', 'Groups']);
/** `POST /scim/v2/.search` searches every resource type: counted as resource `root`. */
const SCIM_ROOT_SEARCH = '.search';

/**
 * Counts every request by its route template (`/api/v1/users/:id`, never the path with its ids) and
 * status once the response is finished, and SCIM resource requests by operation and outcome.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = requestStart(req).hr;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const route =
        typeof template === 'string' && !CATCH_ALL_ROUTES.has(template)
          ? `${req.baseUrl}${template}`
          : UNMATCHED_ROUTE;
      this.metrics.recordHttpRequest(req.method, route, res.statusCode, seconds);
      if (!route.startsWith(SCIM_BASE)) return;
      const [first, rest] = route.slice(SCIM_BASE.length).split('/', 2);
      const root = first === SCIM_ROOT_SEARCH && rest === undefined;
      if (!first || (!root && !SCIM_RESOURCES.has(first))) return;
      const resource = root ? 'root' : first;
      const operation = scimOperation(req.method, root ? SCIM_ROOT_SEARCH : rest);
      if (!operation) return;
      const error = res.locals[ERROR_OUTCOME] as ErrorOutcome | undefined;
      this.metrics.recordScimOperation(
        resource,
        operation,
        res.statusCode < 400 ? 'success' : 'failure',
        res.statusCode < 400 ? undefined : (error?.scimType ?? error?.code ?? 'other'),
      );
    });
    next();
  }
}

function scimOperation(method: string, rest: string | undefined): ScimOperation | undefined {
  switch (method) {
    case 'GET':
      return rest ? 'get' : 'list';
    case 'POST':
      return rest === '.search' ? 'search' : 'create';
    case 'PUT':
      return 'replace';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return undefined;
  }
}
