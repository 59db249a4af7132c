import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type NewOrganization, type Organization, OrganizationsService } from '@rollcall/identity';
import {
  AdminApiKeysService,
  type IssuedAdminApiKey,
} from '../admin-api-keys/admin-api-keys.service';

export interface CreatedTenant {
  organization: Organization;
  adminApiKey: IssuedAdminApiKey;
}

/** The operator's view of tenants: creating one hands back its first admin API key. */
@Injectable()
export class TenantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly adminApiKeys: AdminApiKeysService,
  ) {}

  create(input: NewOrganization): Promise<CreatedTenant> {
    return this.dataSource.transaction(async (manager) => {
      const organization = await this.organizations.create(input, manager);
      const adminApiKey = await this.adminApiKeys.issue(
        organization.id,
        'Initial admin key',
        manager,
      );
      return { organization, adminApiKey };
    });
  }

  /** Issues another admin key for an organization (the operator's way back in for a locked-out admin). */
  async issueAdminApiKey(organizationId: string, name: string): Promise<IssuedAdminApiKey> {
    await this.organizations.get(organizationId);
    return this.adminApiKeys.issue(organizationId, name);
  }
}
