import { Controller } from '@nestjs/common';
import { ScimAuth } from '@rollcall/integration';
import { ScimResourceController } from '@rollcall/scim';
import { ScimUsersService } from './scim-users.service';
import { SCIM_LIST_EXAMPLE, SCIM_PATCH_EXAMPLE, SCIM_USER_EXAMPLE } from './scim-users.examples';

@Controller('scim/v2/Users')
export class ScimUsersController extends ScimResourceController(
  {
    resource: 'User',
    example: SCIM_USER_EXAMPLE,
    writeExample: SCIM_USER_EXAMPLE,
    patchExample: SCIM_PATCH_EXAMPLE,
    listExample: SCIM_LIST_EXAMPLE,
    searchFilter: 'userName eq "bjensen@example.com"',
    create: {
      summary: 'Provision a user (RFC 7644 §3.3)',
      description:
        'A deactivated or SCIM-deleted user with the same userName is reactivated; a user SCIM did not manage is taken over.',
    },
    list: { summary: 'List or filter users (RFC 7644 §3.4.2)' },
    replace: { summary: 'Replace a user (RFC 7644 §3.5.1)' },
    patch: { summary: 'Modify a user (RFC 7644 §3.5.2)' },
    delete: { summary: 'Deprovision a user: deactivated, kept, and hidden from SCIM' },
  },
  { authenticate: ScimAuth() },
) {
  constructor(users: ScimUsersService) {
    super(users);
  }
}
