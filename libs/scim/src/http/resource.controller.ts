import {
  Body,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { OUTCOME_NOTE, UuidParamPipe } from '@rollcall/common';
import { etagOf } from './etag';
import type { ListResponse } from './list';
import type { CursorListResponse } from './cursor-page';
import type { ScimQuery } from './query';
import { ScimJson } from './scim-json';
import { type ScimCaller, ScimOrganizationId, ScimRequestCaller } from './scim-principal';
import { SEARCH_REQUEST } from '../schema/definitions';

type Json = Record<string, unknown>;

/** What a SCIM resource operation answers: the document (none for 204), its version, a log note. */
export interface ScimResourceResult {
  document?: Json;
  version: number;
  /** What the provisioning log should say about a success (e.g. the license pool chosen). */
  note?: string;
}

/** The protocol operations every SCIM resource type offers (RFC 7644 §3). */
export interface ScimResourceService {
  create(caller: ScimCaller, body: unknown, query: ScimQuery): Promise<ScimResourceResult>;
  get(organizationId: string, id: string, query: ScimQuery): Promise<ScimResourceResult>;
  replace(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    query: ScimQuery,
  ): Promise<ScimResourceResult>;
  patch(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    query: ScimQuery,
  ): Promise<ScimResourceResult>;
  delete(caller: ScimCaller, id: string, ifMatch: string | undefined): Promise<void>;
  search(
    organizationId: string,
    query: ScimQuery,
  ): Promise<ListResponse<Json> | CursorListResponse<Json>>;
  searchRequest(
    organizationId: string,
    body: unknown,
  ): Promise<ListResponse<Json> | CursorListResponse<Json>>;
  location(document: Json | undefined): string;
}

/** The OpenAPI text and examples of one resource type. */
export interface ScimResourceDocs {
  resource: 'User' | 'Group';
  example: Json;
  writeExample: Json;
  patchExample: Json;
  listExample: Json;
  searchFilter: string;
  create: { summary: string; description?: string };
  list: { summary: string; description?: string };
  replace: { summary: string; description?: string };
  patch: { summary: string; description?: string; noContent?: string };
  delete: { summary: string };
}

/**
 * How the resource's routes are authenticated: a decorator (from the feature that owns the SCIM
 * credentials) that guards every route and puts a `scim` principal on the request, read by
 * `ScimOrganizationId`. The protocol itself knows nothing of credentials.
 */
export interface ScimResourceAuth {
  authenticate: ClassDecorator;
}

/** Sets the ETag and the log note; a result without a document is answered 204 No Content. */
export function answer(res: Response, result: ScimResourceResult): Json | undefined {
  res.setHeader('ETag', etagOf(result.version));
  if (result.note) res.locals[OUTCOME_NOTE] = result.note;
  if (!result.document) res.status(204);
  return result.document;
}

/**
 * The HTTP side of a SCIM resource type, the same for /Users and /Groups: authentication, content
 * type, ETags and Location, thin handlers over a {@link ScimResourceService}. A subclass adds
 * `@Controller('scim/v2/<Resources>')` and passes its service to `super`.
 */
export function ScimResourceController(docs: ScimResourceDocs, auth: ScimResourceAuth) {
  const Id = new UuidParamPipe(docs.resource);
  const resource = { type: 'object', example: docs.example } as const;

  @ApiTags('SCIM 2.0')
  @auth.authenticate
  abstract class ScimResourceControllerBase {
    constructor(private readonly service: ScimResourceService) {}

    @Post()
    @ScimJson()
    @ApiOperation(docs.create)
    @ApiBody({ schema: { type: 'object', example: docs.writeExample } })
    @ApiCreatedResponse({ description: `The ${docs.resource.toLowerCase()}`, schema: resource })
    async create(
      @ScimRequestCaller() caller: ScimCaller,
      @Body() body: unknown,
      @Query() query: ScimQuery,
      @Res({ passthrough: true }) res: Response,
    ): Promise<Json | undefined> {
      const result = await this.service.create(caller, body, query);
      res.status(201).setHeader('Location', this.service.location(result.document));
      return answer(res, result);
    }

    @Get()
    @ScimJson()
    @ApiOperation(docs.list)
    @ApiQuery({ name: 'filter', required: false, example: docs.searchFilter })
    @ApiQuery({
      name: 'startIndex',
      required: false,
      description: 'Index paging (RFC 7644 §3.4.2.4): 1-based position of the first result',
      example: 1,
    })
    @ApiQuery({
      name: 'count',
      required: false,
      description: 'Results per page, at most 200 (0: totalResults alone)',
      example: 100,
    })
    @ApiQuery({
      name: 'cursor',
      required: false,
      allowEmptyValue: true,
      description:
        'Cursor paging (RFC 9865): empty for the first page, then the nextCursor or previousCursor of the page before; not with startIndex',
      example: '',
    })
    @ApiQuery({
      name: 'sortBy',
      required: false,
      example: docs.resource === 'User' ? 'userName' : 'displayName',
    })
    @ApiQuery({ name: 'sortOrder', required: false, enum: ['ascending', 'descending'] })
    @ApiQuery({ name: 'attributes', required: false })
    @ApiQuery({ name: 'excludedAttributes', required: false })
    @ApiOkResponse({
      description: 'A ListResponse',
      schema: { type: 'object', example: docs.listExample },
    })
    list(
      @ScimOrganizationId() organizationId: string,
      @Query() query: ScimQuery,
    ): Promise<ListResponse<Json> | CursorListResponse<Json>> {
      return this.service.search(organizationId, query);
    }

    @Post('.search')
    @ScimJson()
    @HttpCode(200)
    @ApiOperation({ summary: `Search with a SearchRequest body (RFC 7644 §3.4.3)` })
    @ApiBody({
      schema: {
        type: 'object',
        example: { schemas: [SEARCH_REQUEST], filter: docs.searchFilter, startIndex: 1, count: 10 },
      },
    })
    @ApiOkResponse({
      description: 'A ListResponse',
      schema: { type: 'object', example: docs.listExample },
    })
    search(
      @ScimOrganizationId() organizationId: string,
      @Body() body: unknown,
    ): Promise<ListResponse<Json> | CursorListResponse<Json>> {
      return this.service.searchRequest(organizationId, body);
    }

    @Get(':id')
    @ScimJson()
    @ApiOperation({ summary: `Get a ${docs.resource.toLowerCase()}` })
    @ApiOkResponse({ description: `The ${docs.resource.toLowerCase()}`, schema: resource })
    async get(
      @ScimOrganizationId() organizationId: string,
      @Param('id', Id) id: string,
      @Query() query: ScimQuery,
      @Res({ passthrough: true }) res: Response,
    ): Promise<Json | undefined> {
      return answer(res, await this.service.get(organizationId, id, query));
    }

    @Put(':id')
    @ScimJson()
    @ApiOperation(docs.replace)
    @ApiBody({ schema: { type: 'object', example: docs.writeExample } })
    @ApiOkResponse({ description: `The ${docs.resource.toLowerCase()}`, schema: resource })
    async replace(
      @ScimRequestCaller() caller: ScimCaller,
      @Param('id', Id) id: string,
      @Body() body: unknown,
      @Query() query: ScimQuery,
      @Headers('if-match') ifMatch: string | undefined,
      @Res({ passthrough: true }) res: Response,
    ): Promise<Json | undefined> {
      return answer(res, await this.service.replace(caller, id, body, ifMatch, query));
    }

    @Patch(':id')
    @ScimJson()
    @ApiOperation({
      summary: docs.patch.summary,
      ...(docs.patch.description ? { description: docs.patch.description } : {}),
    })
    @ApiBody({ schema: { type: 'object', example: docs.patchExample } })
    @ApiOkResponse({ description: `The ${docs.resource.toLowerCase()}`, schema: resource })
    @ApiNoContentResponse({ description: docs.patch.noContent ?? 'Modified' })
    async patch(
      @ScimRequestCaller() caller: ScimCaller,
      @Param('id', Id) id: string,
      @Body() body: unknown,
      @Query() query: ScimQuery,
      @Headers('if-match') ifMatch: string | undefined,
      @Res({ passthrough: true }) res: Response,
    ): Promise<Json | undefined> {
      return answer(res, await this.service.patch(caller, id, body, ifMatch, query));
    }

    @Delete(':id')
    @HttpCode(204)
    @ApiOperation(docs.delete)
    @ApiNoContentResponse({ description: 'Done' })
    async delete(
      @ScimRequestCaller() caller: ScimCaller,
      @Param('id', Id) id: string,
      @Headers('if-match') ifMatch: string | undefined,
    ): Promise<void> {
      await this.service.delete(caller, id, ifMatch);
    }
  }
  return ScimResourceControllerBase;
}
