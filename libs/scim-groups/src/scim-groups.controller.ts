import { Controller } from '@nestjs/common';
import { ScimAuth } from '@rollcall/integration';
import { ScimResourceController } from '@rollcall/scim';
import { ScimGroupsService } from './scim-groups.service';
import {
  SCIM_GROUP_CREATE_EXAMPLE,
  SCIM_GROUP_EXAMPLE,
  SCIM_GROUP_LIST_EXAMPLE,
  SCIM_GROUP_PATCH_EXAMPLE,
} from './scim-groups.examples';

@Controller('scim/v2/Groups')
export class ScimGroupsController extends ScimResourceController(
  {
    resource: 'Group',
    example: SCIM_GROUP_EXAMPLE,
    writeExample: SCIM_GROUP_CREATE_EXAMPLE,
    patchExample: SCIM_GROUP_PATCH_EXAMPLE,
    listExample: SCIM_GROUP_LIST_EXAMPLE,
    searchFilter: 'displayName eq "Sales Reps"',
    create: {
      summary: 'Provision a group with its members (RFC 7644 §3.3)',
      description:
        'Members must be users of the organization; nested groups are refused. displayName is ' +
        'unique in the organization in any case (409 uniqueness).',
    },
    list: {
      summary: 'List or filter groups (RFC 7644 §3.4.2)',
      description:
        'Filters on displayName, externalId, id, meta.created, meta.lastModified and members ' +
        '(members.value, members[value eq "<user id>"]). excludedAttributes=members never reads members.',
    },
    replace: {
      summary: 'Replace a group and its members (RFC 7644 §3.5.1)',
      description:
        'With `members` in the body, the members become exactly those (`[]` or null: none). ' +
        'Without `members` they stay as they are (RFC 7644 §3.5.1: not asserted), so a PUT of ' +
        'displayName alone is a rename. externalId left out is cleared.',
    },
    patch: {
      summary: 'Modify a group and its members (RFC 7644 §3.5.2)',
      description:
        'Answered 204 No Content with the new ETag; with `attributes` or `excludedAttributes`, 200 ' +
        'with the group as they select it. One member added or removed costs the same in a group ' +
        'of any size.',
      noContent: 'Modified (no attributes were asked for)',
    },
    delete: { summary: 'Delete a group: its memberships go, its users stay' },
  },
  { authenticate: ScimAuth() },
) {
  constructor(groups: ScimGroupsService) {
    super(groups);
  }
}
