import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, ServerKeys } from '@rollcall/common';
import { type Group, GroupsService, ScimGroupWrites, scimActor } from '@rollcall/identity';
import {
  applyPatch,
  COMMON_ATTRIBUTES,
  GROUP_RESOURCE,
  hasProjection,
  listResponse,
  type ListResponse,
  parsePatchRequest,
  type Projection,
  projectionIncludes,
  projectResource,
  readProjection,
  type ScimCaller,
  type ScimQuery,
  searchRequestQuery,
  compileSearch,
  type CursorListResponse,
  cursorSearch,
  isCursorRequest,
  versionFromIfMatch,
} from '@rollcall/scim';
import { GROUP_COLUMNS } from './group-columns';
import { readGroupAttributes, readGroupDocument, toScimGroup } from './group-document';
import { onlyMemberChange, planGroupPatch } from './group-patch';

type Json = Record<string, unknown>;

/** A response: the document (none for a PATCH answered 204) and the version for the ETag. */
export interface GroupResult {
  document?: Json;
  version: number;
}

const COMMON = [...COMMON_ATTRIBUTES];

/** attributes / excludedAttributes, checked before anything changes (a bad name is a 400). */
function checkedProjection(query: ScimQuery): Projection {
  const projection = readProjection(query.attributes, query.excludedAttributes);
  projectResource({}, GROUP_RESOURCE, projection.attributes, projection.excludedAttributes);
  return projection;
}

/**
 * SCIM /Groups over the identity domain's ScimGroupWrites and GroupsService: protocol in, membership rules in the
 * domain. Members are read (in one query per response) only when the response carries them.
 */
@Injectable()
export class ScimGroupsService {
  private readonly baseUrl: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly writes: ScimGroupWrites,
    private readonly groups: GroupsService,
    private readonly keys: ServerKeys,
  ) {
    this.baseUrl = `${config.publicUrl}/scim/v2`;
  }

  async create(caller: ScimCaller, body: unknown, query: ScimQuery): Promise<GroupResult> {
    const projection = checkedProjection(query);
    const group = await this.writes.scimCreate(
      caller.organizationId,
      readGroupDocument(body),
      scimActor(caller),
    );
    return this.result(group, projection);
  }

  /** The canonical URL of a group document (for the Location header). */
  location(document: Json | undefined): string {
    return `${this.baseUrl}/Groups/${String(document?.id)}`;
  }

  async get(organizationId: string, id: string, query: ScimQuery): Promise<GroupResult> {
    const projection = checkedProjection(query);
    return this.result(await this.groups.get(organizationId, id), projection);
  }

  async replace(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    query: ScimQuery,
  ): Promise<GroupResult> {
    const projection = checkedProjection(query);
    const expectedVersion = versionFromIfMatch(ifMatch);
    const group = await this.writes.scimReplace(
      caller.organizationId,
      id,
      readGroupDocument(body),
      scimActor(caller),
      expectedVersion,
    );
    return this.result(group, projection);
  }

  /**
   * PATCH. Answered 204 with the ETag (RFC 7644 §3.5.2 allows it), so that changing one member of
   * a group of 100,000 never builds its member list; with `attributes` or `excludedAttributes`,
   * 200 with the group as those parameters select it.
   */
  async patch(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    query: ScimQuery,
  ): Promise<GroupResult> {
    const projection = checkedProjection(query);
    const expectedVersion = versionFromIfMatch(ifMatch);
    const plan = planGroupPatch(parsePatchRequest(body));
    const only = onlyMemberChange(plan);
    if (only && !hasProjection(projection)) {
      // Members only, answered 204: one statement (ScimGroupWrites.scimChangeMembers).
      return this.writes.scimChangeMembers(
        caller.organizationId,
        id,
        expectedVersion,
        only,
        scimActor(caller),
      );
    }
    const group = await this.writes.scimModify(
      caller.organizationId,
      id,
      expectedVersion,
      (current) => {
        const result = applyPatch(
          toScimGroup(current, this.baseUrl),
          plan.attributeOperations,
          GROUP_RESOURCE,
          COMMON,
        );
        return result.changed ? readGroupAttributes(result.resource) : undefined;
      },
      plan.memberChanges,
      scimActor(caller),
    );
    if (!hasProjection(projection)) return { version: group.version };
    return this.result(group, projection);
  }

  async delete(caller: ScimCaller, id: string, ifMatch?: string): Promise<void> {
    await this.writes.scimDelete(
      caller.organizationId,
      id,
      scimActor(caller),
      versionFromIfMatch(ifMatch),
    );
  }

  /** POST /Groups/.search: the same query, from a SearchRequest body. */
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
    const projection = checkedProjection(query);
    if (isCursorRequest(query)) {
      return cursorSearch({
        query,
        resource: GROUP_RESOURCE,
        columns: GROUP_COLUMNS,
        organizationId,
        keys: this.keys,
        count: async (search) => (await this.groups.searchForScim(organizationId, search)).total,
        page: async (search) => {
          const { groups } = await this.groups.cursorSearchForScim(organizationId, search);
          const documents = await this.documents(
            organizationId,
            groups.map(({ group }) => group),
            projection,
          );
          return groups.map(({ position }, index) => ({ resource: documents[index], position }));
        },
      });
    }
    const { paging, search } = compileSearch(query, GROUP_RESOURCE, GROUP_COLUMNS);
    const { total, groups } = await this.groups.searchForScim(organizationId, search);
    return listResponse(total, paging, await this.documents(organizationId, groups, projection));
  }

  private async result(group: Group, projection: Projection): Promise<GroupResult> {
    const [document] = await this.documents(group.organizationId, [group], projection);
    return { document, version: group.version };
  }

  /** The documents of a page of groups, with the members of all of them read in one query. */
  private async documents(
    organizationId: string,
    groups: Group[],
    projection: Projection,
  ): Promise<Json[]> {
    const members =
      groups.length > 0 && projectionIncludes(projection, GROUP_RESOURCE, 'members')
        ? await this.groups.membersOf(
            organizationId,
            groups.map((g) => g.id),
          )
        : undefined;
    return groups.map((group) =>
      projectResource(
        toScimGroup(group, this.baseUrl, members?.get(group.id)),
        GROUP_RESOURCE,
        projection.attributes,
        projection.excludedAttributes,
      ),
    );
  }
}
