import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rollcall/common';
import { ScimAuthGuard } from '@rollcall/integration';
import { ScimReadLane } from '@rollcall/scim';
import { ScimGroupsService } from './scim-groups.service';

/** GET /scim/v2/Groups and /Groups/{id}, answered ahead of the router (see ScimReadLane). */
@Injectable()
export class ScimGroupsReadLane extends ScimReadLane('Group') {
  constructor(
    groups: ScimGroupsService,
    gate: ScimAuthGuard,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(groups, gate, config);
  }
}
