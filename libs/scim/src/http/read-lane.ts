import { type NestMiddleware, RequestMethod } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import type { NextFunction, Request, Response } from 'express';
import { type AppConfig, type RollcallRequest, SCIM_JSON, UuidParamPipe } from '@rollcall/common';
import type { ScimQuery } from './query';
import type { CursorListResponse } from './cursor-page';
import type { ListResponse } from './list';
import { answer, type ScimResourceResult, type ScimResourceService } from './resource.controller';
import { missingScimCredentials } from './scim-principal';

/**
 * What lets a SCIM request in, from the feature that owns the SCIM credentials: it authenticates
 * the request (putting the `scim` principal on it) and counts it against the credentials' rate
 * limit, exactly as the guard of the SCIM routes does; a refusal throws.
 */
export interface ScimGate {
  admit(request: RollcallRequest, response: Response): Promise<void>;
}

type Json = Record<string, unknown>;

/** What a read found: a list (or filter) answer, or one resource. */
export type ScimRead =
  { list: ListResponse<Json> | CursorListResponse<Json> } | { item: ScimResourceResult };

/** The two reads the lane answers for a resource type: the list (and filter) and one by id. */
export function readLaneRoutes(path: string): RouteInfo[] {
  return [
    { path, method: RequestMethod.GET },
    { path: `${path}/:id`, method: RequestMethod.GET },
  ];
}

/** What the HTTP server's own listener uses of a lane (apps/api/src/scim-read-listener.ts). */
export interface ScimReadLaneApi {
  readonly enabled: boolean;
  read(
    request: RollcallRequest,
    response: Response,
    query: ScimQuery,
    id: string | undefined,
  ): Promise<ScimRead>;
  reply(response: Response, read: ScimRead): Json | undefined;
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

  abstract class ScimReadLaneBase implements NestMiddleware, ScimReadLaneApi {
    constructor(
      private readonly service: ScimResourceService,
      private readonly gate: ScimGate,
      /** Read per request: a test compares the lane's answers with the controller's. */
      private readonly config: Pick<AppConfig, 'scimReadLane'>,
    ) {}

    /** Whether the lane answers reads (read per request: a test turns it off and on). */
    get enabled(): boolean {
      return this.config.scimReadLane;
    }

    async use(req: Request, res: Response, next: NextFunction): Promise<void> {
      if (!this.enabled) return next();
      const read = await this.read(
        req as RollcallRequest,
        res,
        req.query,
        req.params.id as string | undefined,
      );
      const body = this.reply(res, read);
      if (body === undefined) res.send();
      else res.json(body);
    }

    /** Admits the request and reads what it asks for; throws what the route would. */
    async read(
      request: RollcallRequest,
      response: Response,
      query: ScimQuery,
      id: string | undefined,
    ): Promise<ScimRead> {
      await this.gate.admit(request, response);
      const principal = request.user;
      if (principal?.kind !== 'scim') throw missingScimCredentials();
      return id === undefined
        ? { list: await this.service.search(principal.organizationId, query) }
        : { item: await this.service.get(principal.organizationId, Id.transform(id), query) };
    }

    /** The route's headers (content type, ETag, log note) for a read; answers the body. */
    reply(response: Response, read: ScimRead): Json | undefined {
      response.setHeader('Content-Type', SCIM_JSON);
      return 'list' in read ? (read.list as unknown as Json) : answer(response, read.item);
    }
  }
  return ScimReadLaneBase;
}
