import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, ServerKeys } from '@rollcall/common';
import {
  GroupsService,
  ScimUserWrites,
  scimActor,
  type User,
  type UserGroup,
} from '@rollcall/identity';
import {
  applyPatch,
  COMMON_ATTRIBUTES,
  listResponse,
  type ListResponse,
  parsePatchRequest,
  projectionIncludes,
  projectResource,
  ROLLCALL_USER_SCHEMA,
  compileSearch,
  type CursorListResponse,
  cursorSearch,
  isCursorRequest,
  USER_RESOURCE,
  type Projection,
  readProjection,
  type ScimCaller,
  type ScimQuery,
  searchRequestQuery,
  versionFromIfMatch,
} from '@rollcall/scim';
import { readUserDocument, toScimUser } from './user-document';
import { USER_COLUMNS } from './user-columns';

type Json = Record<string, unknown>;

export interface ScimUserResult {
  document: Json;
  version: number;
  /** What the provisioning log should say about the outcome (the pool chosen). */
  note: string;
}

const COMMON = [...COMMON_ATTRIBUTES];
const LICENSE_POOL_PATH = `${ROLLCALL_USER_SCHEMA}:licensePoolName`.toLowerCase();

/** SCIM /Users over the shared identity domain: protocol in, lifecycle rules in the domain. */
@Injectable()
export class ScimUsersService {
  private readonly baseUrl: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly lifecycle: ScimUserWrites,
    private readonly groups: GroupsService,
    private readonly keys: ServerKeys,
  ) {
    this.baseUrl = `${config.publicUrl}/scim/v2`;
  }

  private document(
    user: Parameters<typeof toScimUser>[0],
    projection: Projection = {},
    groups?: UserGroup[],
  ): Json {
    return projectResource(
      toScimUser(user, this.baseUrl, groups),
      USER_RESOURCE,
      projection.attributes,
      projection.excludedAttributes,
    );
  }

  async create(caller: ScimCaller, body: unknown, query: ScimQuery): Promise<ScimUserResult> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const input = readUserDocument(body);
    const { user, created } = await this.lifecycle.scimCreate(
      caller.organizationId,
      {
        profile: input.profile,
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(input.licensePoolName !== undefined ? { licensePoolName: input.licensePoolName } : {}),
      },
      scimActor(caller),
    );
    // A user created just now is in no group yet: no query needed (a reactivated or taken-over
    // user may be, so it is asked for).
    return this.result(user, projection, created ? [] : undefined);
  }

  /**
   * A user's document, ETag version, and a note for the provisioning log. `knownGroups`: the
   * user's groups when the caller already knows them (else they are read).
   */
  private async result(
    user: User,
    projection: Projection,
    knownGroups?: UserGroup[],
  ): Promise<ScimUserResult> {
    const pool = `License pool '${user.licensePool.name}'`;
    const groups =
      knownGroups ??
      (await this.groupsOf(user.organizationId, [user.id], projection))?.get(user.id);
    return {
      document: this.document(user, projection, groups),
      version: user.version,
      note: user.status === 'pending' ? `${pool} is full: the user is pending` : pool,
    };
  }

  /** The canonical URL of a user document (for the Location header). */
  location(document: Json): string {
    return `${this.baseUrl}/Users/${String(document.id)}`;
  }

  async get(organizationId: string, id: string, query: ScimQuery): Promise<ScimUserResult> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const { user, groups } = await this.lifecycle.getForScim(
      organizationId,
      id,
      projectionIncludes(projection, USER_RESOURCE, 'groups'),
    );
    return this.result(user, projection, groups ?? []);
  }

  async replace(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    query: ScimQuery,
  ): Promise<ScimUserResult> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const expectedVersion = versionFromIfMatch(ifMatch);
    const input = readUserDocument(body);
    const user = await this.lifecycle.scimUpdate(
      caller.organizationId,
      id,
      {
        profile: input.profile,
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(input.licensePoolName !== undefined ? { licensePoolName: input.licensePoolName } : {}),
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      },
      scimActor(caller),
    );
    return this.result(user, projection);
  }

  async patch(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    query: ScimQuery,
  ): Promise<ScimUserResult> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    const expectedVersion = versionFromIfMatch(ifMatch);
    const operations = parsePatchRequest(body);
    const user = await this.lifecycle.scimModify(
      caller.organizationId,
      id,
      expectedVersion,
      (current) => {
        const result = applyPatch(
          toScimUser(current, this.baseUrl),
          operations,
          USER_RESOURCE,
          COMMON,
        );
        if (!result.changed) return undefined;
        const input = readUserDocument(result.resource);
        const touched = new Set(result.touched.map((path) => path.toLowerCase()));
        const touchedActive = touched.has('active');
        const touchedPool = touched.has(LICENSE_POOL_PATH);
        return {
          profile: input.profile,
          // `active` removed (or cleared with null): every user has a status, so an unassigned
          // `active` reads as not active — a deactivation, as active=false (SPEC §2).
          ...(touchedActive ? { active: input.active ?? false } : {}),
          // Blanked or removed by the patch: blank means the default pool (SPEC §3 rule 3).
          ...(touchedPool ? { licensePoolName: input.licensePoolName ?? null } : {}),
        };
      },
      scimActor(caller),
    );
    return this.result(user, projection);
  }

  async delete(caller: ScimCaller, id: string, ifMatch?: string): Promise<void> {
    await this.lifecycle.scimDelete(
      caller.organizationId,
      id,
      scimActor(caller),
      versionFromIfMatch(ifMatch),
    );
  }

  /** POST /Users/.search: the same query, from a SearchRequest body. */
  searchRequest(
    organizationId: string,
    body: unknown,
  ): Promise<ListResponse<Json> | CursorListResponse<Json>> {
    return this.search(organizationId, searchRequestQuery(body));
  }

  async search(
    organizationId: string,
    query: ScimQuery,
  ): Promise<ListResponse<Json> | CursorListResponse<Json>> {
    const projection = readProjection(query.attributes, query.excludedAttributes);
    if (isCursorRequest(query)) {
      return cursorSearch({
        query,
        resource: USER_RESOURCE,
        columns: USER_COLUMNS,
        organizationId,
        keys: this.keys,
        count: async (search) =>
          (await this.lifecycle.searchForScim(organizationId, search, false)).total,
        page: async (search) => {
          const { users } = await this.lifecycle.cursorSearchForScim(
            organizationId,
            search,
            projectionIncludes(projection, USER_RESOURCE, 'groups'),
          );
          return users.map(({ user, groups, position }) => ({
            resource: this.document(user, projection, groups),
            position,
          }));
        },
      });
    }
    const { paging, search } = compileSearch(query, USER_RESOURCE, USER_COLUMNS);
    const { total, users } = await this.lifecycle.searchForScim(
      organizationId,
      search,
      projectionIncludes(projection, USER_RESOURCE, 'groups'),
    );
    return listResponse(
      total,
      paging,
      users.map(({ user, groups }) => this.document(user, projection, groups)),
    );
  }

  /** The users' groups (one query for all of them), unless the response leaves `groups` out. */
  private async groupsOf(
    organizationId: string,
    userIds: string[],
    projection: Projection,
  ): Promise<Map<string, UserGroup[]> | undefined> {
    if (userIds.length === 0 || !projectionIncludes(projection, USER_RESOURCE, 'groups')) {
      return undefined;
    }
    return this.groups.groupsOfUsers(organizationId, userIds);
  }
}
