/**
 * SCIM discovery documents (RFC 7644 §4; RFC 7643 §5 ServiceProviderConfig, §6 ResourceType,
 * §7 Schema), built from the schema catalog. Pure functions of the SCIM base URL
 * (e.g. `http://host/scim/v2`); each call returns fresh objects the caller may change.
 */
import {
  RESOURCE_SCHEMAS,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_DEFINITIONS,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
} from './definitions';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './types';

/** The most resources one list or search response carries (`filter.maxResults`). */
export const MAX_PAGE_SIZE = 200;

export interface Supported {
  supported: boolean;
}

export interface AuthenticationScheme {
  type: string;
  name: string;
  description: string;
  specUri?: string;
  documentationUri?: string;
  primary?: boolean;
}

export interface ServiceProviderConfigDocument {
  schemas: string[];
  documentationUri?: string;
  patch: Supported;
  bulk: Supported & { maxOperations: number; maxPayloadSize: number };
  filter: Supported & { maxResults: number };
  changePassword: Supported;
  sort: Supported;
  etag: Supported;
  /** RFC 9865 §4: the ways lists are paged. */
  pagination: {
    cursor: boolean;
    index: boolean;
    defaultPaginationMethod: 'cursor' | 'index';
    defaultPageSize: number;
    maxPageSize: number;
  };
  authenticationSchemes: AuthenticationScheme[];
  meta: { resourceType: 'ServiceProviderConfig'; location: string };
}

export interface ResourceTypeDocument {
  schemas: string[];
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions?: { schema: string; required: boolean }[];
  meta: { resourceType: 'ResourceType'; location: string };
}

export interface SchemaDocument {
  schemas: string[];
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
  meta: { resourceType: 'Schema'; location: string };
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function serviceProviderConfig(
  baseUrl: string,
  documentationUri?: string,
): ServiceProviderConfigDocument {
  const base = trimBase(baseUrl);
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(documentationUri === undefined ? {} : { documentationUri }),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    // Index paging stays the default (what every IdP sends); cursors never expire (keyset
    // positions), so no cursorTimeout is given.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: MAX_PAGE_SIZE,
      maxPageSize: MAX_PAGE_SIZE,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          "Authentication with the organization's SCIM bearer token in the Authorization header.",
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
      },
      {
        type: 'httpbasic',
        name: 'HTTP Basic',
        description:
          "Authentication with the organization's SCIM username and password (HTTP Basic).",
        specUri: 'https://www.rfc-editor.org/info/rfc7617',
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

function resourceTypeDocument(base: string, resource: ResourceSchema): ResourceTypeDocument {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resource.name,
    name: resource.name,
    endpoint: resource.endpoint,
    description: resource.description,
    schema: resource.core.id,
    ...(resource.extensions.length === 0
      ? {}
      : {
          schemaExtensions: resource.extensions.map((extension) => ({
            schema: extension.schema.id,
            required: extension.required,
          })),
        }),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${resource.name}` },
  };
}

/** The User and Group resource types (served by /ResourceTypes). */
export function resourceTypes(baseUrl: string): ResourceTypeDocument[] {
  const base = trimBase(baseUrl);
  return RESOURCE_SCHEMAS.map((resource) => resourceTypeDocument(base, resource));
}

/** One resource type by its id (`User`, `Group`), for /ResourceTypes/{id}; undefined if unknown. */
export function resourceType(baseUrl: string, id: string): ResourceTypeDocument | undefined {
  const resource = RESOURCE_SCHEMAS.find((candidate) => candidate.name === id);
  return resource === undefined ? undefined : resourceTypeDocument(trimBase(baseUrl), resource);
}

/** An attribute with every characteristic, in RFC 7643 §7 order, as a fresh object. */
export function serializeAttribute(attribute: AttributeDefinition): AttributeDefinition {
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    ...(attribute.canonicalValues === undefined
      ? {}
      : { canonicalValues: [...attribute.canonicalValues] }),
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(attribute.referenceTypes === undefined
      ? {}
      : { referenceTypes: [...attribute.referenceTypes] }),
    ...(attribute.subAttributes === undefined
      ? {}
      : { subAttributes: attribute.subAttributes.map(serializeAttribute) }),
  };
}

function schemaDocument(base: string, schema: SchemaDefinition): SchemaDocument {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(serializeAttribute),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
  };
}

/**
 * The User, EnterpriseUser, RollcallUser and Group schemas (served by /Schemas). Common attributes
 * (id, externalId, meta) are not listed, per RFC 7643 §3.1.
 */
export function schemaDocuments(baseUrl: string): SchemaDocument[] {
  const base = trimBase(baseUrl);
  return SCHEMA_DEFINITIONS.map((schema) => schemaDocument(base, schema));
}

/** One schema by its URN (compared case-insensitively), for /Schemas/{id}; undefined if unknown. */
export function schemaDocumentById(baseUrl: string, id: string): SchemaDocument | undefined {
  const wanted = id.toLowerCase();
  const schema = SCHEMA_DEFINITIONS.find((candidate) => candidate.id.toLowerCase() === wanted);
  return schema === undefined ? undefined : schemaDocument(trimBase(baseUrl), schema);
}
