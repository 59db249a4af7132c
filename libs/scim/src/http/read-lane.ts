import { type NestMiddleware, RequestMethod } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import type { NextFunction, Request, Response } from 'express';
import { type AppConfig, type RollcallRequest, SCIM_JSON, UuidParamPipe } from '@rollcall/common';
import type { ScimQuery } from './query';
import { answer, type ScimResourceService } from './resource.controller';
import { missingScimCredentials } from './scim-principal';

/**
 * What lets a SCIM request in, from the feature that owns the SCIM credentials: it authenticates
 * the request (putting the `scim` principal on it) and counts it against the credentials' rate
 * limit, exactly as the guard of the SCIM routes does; a refusal throws.
 */
export interface ScimGate {
  admit(request: RollcallRequest, response: Response): Promise<void>;
}

/** The two reads the lane answers for a resource type: the list (and filter) and one by id. */
export function readLaneRoutes(path: string): RouteInfo[] {
  return [
    { path, method: RequestMethod.GET },
    { path: `${path}/:id`, method: RequestMethod.GET },
  ];
}

/**
 * The SCIM reads (GET /<Resources> and GET /<Resources>/{id}), answered by a middleware instead of
 * the controller: the same gate, the same pipe, the same service call and the same reply as the
 * route, without Express walking the remaining routes and Nest's route pipeline (execution context,
 * guards, pipes, parameter decorators), which cost more than the read itself (docs/performance.md).
 * It is registered after every other middleware (request id, logging, security headers, shutdown
 * tracking, metrics, the provisioning log), for the same paths as the routes, so Express reports
 * the same route template; an error thrown here reaches the same exception filter as a route's.
 * ROLLCALL_SCIM_READ_LANE=false leaves the reads to the controller.
 */
export function ScimReadLane(resource: 'User' | 'Group') {
  const Id = new UuidParamPipe(resource);

  abstract class ScimReadLaneBase implements NestMiddleware {
    constructor(
      private readonly service: ScimResourceService,
      private readonly gate: ScimGate,
      /** Read per request: a test compares the lane's answers with the controller's. */
      private readonly config: Pick<AppConfig, 'scimReadLane'>,
    ) {}

    async use(req: Request, res: Response, next: NextFunction): Promise<void> {
      if (!this.config.scimReadLane) return next();
      const request = req as RollcallRequest;
      await this.gate.admit(request, res);
      const principal = request.user;
      if (principal?.kind !== 'scim') throw missingScimCredentials();
      // Where the route's @ScimJson() sets it: after the guard, before the pipes.
      res.setHeader('Content-Type', SCIM_JSON);
      const query = req.query as ScimQuery;
      const id = req.params.id as string | undefined;
      const body =
        id === undefined
          ? await this.service.search(principal.organizationId, query)
          : answer(res, await this.service.get(principal.organizationId, Id.transform(id), query));
      if (body === undefined) res.send();
      else res.json(body);
    }
  }
  return ScimReadLaneBase;
}
