export { ScimModule } from './scim.module';
export * from './schema';
export { ScimJson } from './http/scim-json';
export { listResponse, parsePaging, type ListResponse, type Paging } from './http/list';
export { etagOf, versionFromIfMatch } from './http/etag';
export { projectResource } from './http/projection';
export {
  hasProjection,
  optionalString,
  projectionIncludes,
  readProjection,
  readSortOrder,
  searchRequestQuery,
  type Projection,
  type ScimQuery,
} from './http/query';
export * from './filter';
export * from './patch';
export {
  ScimResourceController,
  type ScimResourceAuth,
  type ScimResourceDocs,
  type ScimResourceResult,
  type ScimResourceService,
} from './http/resource.controller';
export {
  ScimOrganizationId,
  ScimRequestCaller,
  type ScimCaller,
  missingScimCredentials,
} from './http/scim-principal';
export {
  readLaneRoutes,
  ScimReadLane,
  type ScimGate,
  type ScimRead,
  type ScimReadLaneApi,
} from './http/read-lane';
export { isCursorRequest, type CursorListResponse } from './http/cursor-page';
export {
  catalogColumns,
  compileSearch,
  cursorSearch,
  type CompiledSearch,
  type ResourceColumns,
} from './http/search';
