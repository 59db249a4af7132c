import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainError } from '@rollcall/common';
import { UserLifecycleService } from '@rollcall/identity';
import {
  applyPatch,
  type AttributePath,
  COMMON_ATTRIBUTES,
  compileFilter,
  listResponse,
  type ListResponse,
  parseAttributeList,
  parseFilter,
  parsePaging,
  parsePatchRequest,
  projectResource,
  resolveAttribute,
  SqlParams,
  USER_RESOURCE,
  versionFromIfMatch,
} from '@rollcall/scim';
import { readUserDocument, toScimUser } from './user-document';
import { USER_COLUMNS, USER_SORT_COLUMNS } from './user-columns';

type Json = Record<string, unknown>;

/** The parameters of GET /Users and POST /Users/.search, as received. */
export interface UserQuery {
  filter?: unknown;
  startIndex?: unknown;
  count?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  attributes?: unknown;
  excludedAttributes?: unknown;
}

export interface Projection {
  attributes?: AttributePath[];
  excludedAttributes?: AttributePath[];
}

const COMMON = [...COMMON_ATTRIBUTES];

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  if (typeof value !== 'string') {
    throw new DomainError('invalid_value', `${name} must be a string.`);
  }
  return value;
}

export function readProjection(attributes: unknown, excludedAttributes: unknown): Projection {
  const included = optionalString('attributes', attributes);
  const excluded = optionalString('excludedAttributes', excludedAttributes);
  return {
    ...(included ? { attributes: parseAttributeList(included) } : {}),
    ...(excluded ? { excludedAttributes: parseAttributeList(excluded) } : {}),
  };
}

/** SCIM /Users over the shared identity domain: protocol in, lifecycle rules in the domain. */
@Injectable()
export class ScimUsersService {
  private readonly baseUrl: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly lifecycle: UserLifecycleService,
  ) {
    this.baseUrl = `${config.publicUrl}/scim/v2`;
  }

  private document(user: Parameters<typeof toScimUser>[0], projection: Projection = {}): Json {
    return projectResource(
      toScimUser(user, this.baseUrl),
      USER_RESOURCE,
      projection.attributes,
      projection.excludedAttributes,
    );
  }

  async create(
    organizationId: string,
    body: unknown,
    query: UserQuery,
  ): Promise<{ document: Json; version: number }> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const input = readUserDocument(body);
    const { user } = await this.lifecycle.scimCreate(organizationId, {
      profile: input.profile,
      ...(input.active !== undefined ? { active: input.active } : {}),
    });
    return { document: this.document(user, projection), version: user.version };
  }

  /** The canonical URL of a user document (for the Location header). */
  location(document: Json): string {
    return `${this.baseUrl}/Users/${String(document.id)}`;
  }

  async get(
    organizationId: string,
    id: string,
    query: UserQuery,
  ): Promise<{ document: Json; version: number }> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const user = await this.lifecycle.getForScim(organizationId, id);
    return { document: this.document(user, projection), version: user.version };
  }

  async replace(
    organizationId: string,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    query: UserQuery,
  ): Promise<{ document: Json; version: number }> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const expectedVersion = versionFromIfMatch(ifMatch);
    const input = readUserDocument(body);
    const user = await this.lifecycle.scimUpdate(organizationId, id, {
      profile: input.profile,
      ...(input.active !== undefined ? { active: input.active } : {}),
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    });
    return { document: this.document(user, projection), version: user.version };
  }

  async patch(
    organizationId: string,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    query: UserQuery,
  ): Promise<{ document: Json; version: number }> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const expectedVersion = versionFromIfMatch(ifMatch);
    const operations = parsePatchRequest(body);
    const user = await this.lifecycle.scimModify(organizationId, id, expectedVersion, (current) => {
      const result = applyPatch(
        toScimUser(current, this.baseUrl),
        operations,
        USER_RESOURCE,
        COMMON,
      );
      if (!result.changed) return undefined;
      const input = readUserDocument(result.resource);
      const touchedActive = result.touched.some((path) => path.toLowerCase() === 'active');
      return {
        profile: input.profile,
        ...(touchedActive && input.active !== undefined ? { active: input.active } : {}),
      };
    });
    return { document: this.document(user, projection), version: user.version };
  }

  async delete(organizationId: string, id: string): Promise<void> {
    await this.lifecycle.scimDelete(organizationId, id);
  }

  /** POST /Users/.search: the same query, from a SearchRequest body. */
  searchRequest(organizationId: string, body: unknown): Promise<ListResponse<Json>> {
    return this.search(organizationId, searchRequest(body));
  }

  async search(organizationId: string, query: UserQuery): Promise<ListResponse<Json>> {
    const paging = parsePaging(query.startIndex, query.count);
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const filterText = optionalString('filter', query.filter);
    const params = new SqlParams(2);
    const where = filterText
      ? compileFilter(
          parseFilter(filterText),
          USER_RESOURCE,
          COMMON,
          (path) => USER_COLUMNS[path],
          params,
        )
      : undefined;
    const sort = this.sortExpression(optionalString('sortBy', query.sortBy));
    const order = optionalString('sortOrder', query.sortOrder)?.toLowerCase();
    if (order !== undefined && order !== 'ascending' && order !== 'descending') {
      throw new DomainError('invalid_value', 'sortOrder must be "ascending" or "descending".');
    }
    const { total, users } = await this.lifecycle.searchForScim(organizationId, {
      ...(where ? { where, params: params.values } : {}),
      ...(sort ? { orderBy: sort } : {}),
      descending: order === 'descending',
      offset: paging.startIndex - 1,
      limit: paging.count,
    });
    return listResponse(
      total,
      paging,
      users.map((u) => this.document(u, projection)),
    );
  }

  private sortExpression(sortBy: string | undefined): string | undefined {
    if (!sortBy) return undefined;
    const [path] = parseAttributeList(sortBy);
    const resolved = path && resolveAttribute(USER_RESOURCE, path, COMMON);
    const column = resolved && USER_SORT_COLUMNS[resolved.canonicalPath.toLowerCase()];
    if (!column) throw new DomainError('invalid_value', `Users cannot be sorted by "${sortBy}".`);
    return column;
  }
}

/** The fields of a SearchRequest body (RFC 7644 §3.4.3), attribute names in any case. */
function searchRequest(body: unknown): UserQuery {
  const object =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : {};
  const get = (name: string) =>
    Object.entries(object).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  return {
    filter: get('filter'),
    startIndex: get('startIndex'),
    count: get('count'),
    sortBy: get('sortBy'),
    sortOrder: get('sortOrder'),
    attributes: get('attributes'),
    excludedAttributes: get('excludedAttributes'),
  };
}
