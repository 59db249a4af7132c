import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rollcall/common';
import { ScimAuthGuard } from '@rollcall/integration';
import { ScimReadLane } from '@rollcall/scim';
import { ScimUsersService } from './scim-users.service';

/** GET /scim/v2/Users and /Users/{id}, answered ahead of the router (see ScimReadLane). */
@Injectable()
export class ScimUsersReadLane extends ScimReadLane('User') {
  constructor(users: ScimUsersService, gate: ScimAuthGuard, @Inject(APP_CONFIG) config: AppConfig) {
    super(users, gate, config);
  }
}
