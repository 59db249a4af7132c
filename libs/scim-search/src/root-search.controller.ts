import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ScimAuth } from '@rollcall/integration';
import { type ListResponse, ScimJson, ScimOrganizationId } from '@rollcall/scim';
import { ROOT_SEARCH_REQUEST_EXAMPLE, ROOT_SEARCH_RESPONSE_EXAMPLE } from './root-search.examples';
import { ScimRootSearchService } from './root-search.service';

const attributeList = {
  type: 'array',
  items: { type: 'string' },
  description: 'Attribute names (a comma-separated string is accepted too)',
} as const;

/** `POST /scim/v2/.search`: a search over every resource type (RFC 7644 §3.4.3). */
@ApiTags('SCIM 2.0')
@ScimAuth()
@Controller('scim/v2')
export class ScimRootSearchController {
  constructor(private readonly rootSearch: ScimRootSearchService) {}

  @Post('.search')
  @ScimJson()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Search users and groups together (RFC 7644 §3.4.3)',
    description:
      'One SearchRequest over both resource types: the users, then the groups, each in creation ' +
      'order. `meta.resourceType eq "User"` or `schemas eq "<core schema URN>"` selects one type; ' +
      'an attribute only one type has (userName, members) matches no resource of the other. ' +
      '`totalResults` counts both types. Not supported here: sortBy/sortOrder and cursor paging ' +
      '(400 invalidValue; use /Users/.search or /Groups/.search).',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['schemas'],
      properties: {
        schemas: {
          type: 'array',
          items: { type: 'string', enum: [ROOT_SEARCH_REQUEST_EXAMPLE.schemas[0]] },
        },
        filter: { type: 'string', description: 'RFC 7644 §3.4.2.2 filter' },
        startIndex: {
          type: 'integer',
          minimum: 1,
          description: '1-based index of the first result',
        },
        count: {
          type: 'integer',
          minimum: 0,
          maximum: 200,
          description: 'Results per page (0: totalResults alone)',
        },
        attributes: attributeList,
        excludedAttributes: attributeList,
      },
      example: ROOT_SEARCH_REQUEST_EXAMPLE,
    },
  })
  @ApiOkResponse({
    description: 'A ListResponse of users and groups',
    schema: {
      type: 'object',
      properties: {
        schemas: { type: 'array', items: { type: 'string' } },
        totalResults: { type: 'integer' },
        startIndex: { type: 'integer' },
        itemsPerPage: { type: 'integer' },
        Resources: { type: 'array', items: { type: 'object' } },
      },
      example: ROOT_SEARCH_RESPONSE_EXAMPLE,
    },
  })
  @ApiResponse({
    status: 400,
    description:
      'invalidSyntax (not a SearchRequest), invalidFilter or invalidValue, as a SCIM error',
  })
  search(
    @ScimOrganizationId() organizationId: string,
    @Body() body: unknown,
  ): Promise<ListResponse<Record<string, unknown>>> {
    return this.rootSearch.search(organizationId, body);
  }
}
