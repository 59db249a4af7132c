import { All, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import {
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig, DomainError } from '@rollcall/common';
import {
  resourceType,
  resourceTypes,
  schemaDocumentById,
  schemaDocuments,
  serviceProviderConfig,
  type ResourceTypeDocument,
  type SchemaDocument,
  type ServiceProviderConfigDocument,
} from '../schema/discovery';
import { listResponse, type ListResponse } from './list';
import { ScimJson } from './scim-json';

/**
 * RFC 7644 §4 discovery. The documents are the same for every organization, so they need no
 * credentials (identity providers and validators may call them before configuring any).
 */
@ApiTags('SCIM 2.0')
@Controller('scim/v2')
export class ScimDiscoveryController {
  private readonly baseUrl: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.baseUrl = `${config.publicUrl}/scim/v2`;
  }

  @Get('ServiceProviderConfig')
  @ScimJson()
  @ApiOperation({ summary: 'What this SCIM service supports (RFC 7643 §5)' })
  @ApiOkResponse({ description: 'The ServiceProviderConfig document', schema: { type: 'object' } })
  serviceProviderConfig(): ServiceProviderConfigDocument {
    return serviceProviderConfig(this.baseUrl, `${this.baseUrl.replace(/\/scim\/v2$/, '')}/docs`);
  }

  @Get('ResourceTypes')
  @ScimJson()
  @ApiOperation({ summary: 'The resource types: User and Group (RFC 7643 §6)' })
  @ApiOkResponse({
    description: 'A ListResponse of ResourceType documents',
    schema: { type: 'object' },
  })
  resourceTypes(): ListResponse<ResourceTypeDocument> {
    const all = resourceTypes(this.baseUrl);
    return listResponse(all.length, { startIndex: 1, count: all.length }, all);
  }

  @Get('ResourceTypes/:id')
  @ScimJson()
  @ApiOperation({ summary: 'One resource type' })
  @ApiOkResponse({ description: 'A ResourceType document', schema: { type: 'object' } })
  resourceType(@Param('id') id: string): ResourceTypeDocument {
    const found = resourceType(this.baseUrl, id);
    if (!found) throw DomainError.notFound(`Resource type "${id}"`);
    return found;
  }

  @Get('Schemas')
  @ScimJson()
  @ApiOperation({ summary: 'The schemas: core User and Group, enterprise and Rollcall extensions' })
  @ApiOkResponse({ description: 'A ListResponse of Schema documents', schema: { type: 'object' } })
  schemas(): ListResponse<SchemaDocument> {
    const all = schemaDocuments(this.baseUrl);
    return listResponse(all.length, { startIndex: 1, count: all.length }, all);
  }

  @Get('Schemas/:id')
  @ScimJson()
  @ApiOperation({ summary: 'One schema, by URN' })
  @ApiOkResponse({ description: 'A Schema document', schema: { type: 'object' } })
  schema(@Param('id') id: string): SchemaDocument {
    const found = schemaDocumentById(this.baseUrl, id);
    if (!found) throw DomainError.notFound(`Schema "${id}"`);
    return found;
  }

  @Post('Bulk')
  @ApiOperation({ summary: 'Bulk operations are not supported (see ServiceProviderConfig)' })
  @ApiResponse({ status: 501, description: 'Not implemented, in the SCIM error format' })
  bulk(): never {
    throw notImplemented('Bulk operations are not supported; send one request per resource.');
  }

  @Get('Me')
  @ScimJson()
  @ApiOperation({ summary: 'The /Me endpoint is not supported' })
  @ApiResponse({ status: 501, description: 'Not implemented, in the SCIM error format' })
  me(): never {
    throw notImplemented('The /Me endpoint is not supported.');
  }

  /** Other methods on /Bulk and /Me: not implemented either (kept out of the OpenAPI document). */
  @All(['Bulk', 'Me'])
  @ApiExcludeEndpoint()
  other(): never {
    throw notImplemented('This endpoint is not supported.');
  }
}

function notImplemented(detail: string): DomainError {
  return new DomainError('not_implemented', detail);
}
