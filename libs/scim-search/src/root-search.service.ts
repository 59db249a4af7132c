import { Injectable } from '@nestjs/common';
import {
  type CursorListResponse,
  listResponse,
  type ListResponse,
  type ScimQuery,
} from '@rollcall/scim';
import { ScimGroupsService } from '@rollcall/scim-groups';
import { ScimUsersService } from '@rollcall/scim-users';
import { readRootSearchRequest } from './root-search-request';

type Json = Record<string, unknown>;

/** What the root asks each resource type's own SCIM service. */
interface TypeSearch {
  search(
    organizationId: string,
    query: ScimQuery,
  ): Promise<ListResponse<Json> | CursorListResponse<Json>>;
}

/**
 * `POST /scim/v2/.search`: one SearchRequest over users and groups, answered by the /Users and
 * /Groups services themselves (the same filters, documents and tenant scope). The results are the
 * users, then the groups, each type in its own default order; `startIndex` and `count` page
 * through that sequence and `totalResults` counts both types.
 *
 * Each type costs what its own search costs (a count and a page, at most): the users' page is read
 * first, and the groups fill what is left of the page from where the users' total ends. A type
 * the filter rules out is not asked at all.
 */
@Injectable()
export class ScimRootSearchService {
  private readonly types: readonly TypeSearch[];

  constructor(users: ScimUsersService, groups: ScimGroupsService) {
    // In ROOT_TYPES order.
    this.types = [users, groups];
  }

  async search(organizationId: string, body: unknown): Promise<ListResponse<Json>> {
    const request = readRootSearchRequest(body);
    const { paging } = request;
    let total = 0;
    const resources: Json[] = [];
    for (const [index, query] of request.types.entries()) {
      if (!query) continue;
      // Where this type's resources start in the root's sequence, and how many still fit.
      const page = await this.types[index].search(organizationId, {
        ...query,
        startIndex: Math.max(1, paging.startIndex - total),
        count: paging.count - resources.length,
      });
      total += page.totalResults ?? 0;
      resources.push(...page.Resources);
    }
    return listResponse(total, paging, resources);
  }
}
