import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainError } from '@rollcall/common';
import { OrganizationsService } from '@rollcall/identity';
import { type CreatedTenant, TenantsService } from './tenants.service';

export const DEMO_TENANT = {
  name: 'Demo',
  slug: 'demo',
  plan: 'enterprise',
  totalLicenses: 100,
  proForAllUsers: false,
} as const;

/**
 * On a fresh installation (no organization at all) outside production, creates the `demo` enterprise
 * organization so that a newcomer can try the API at once. Its admin key is shown once, at that boot.
 */
@Injectable()
export class DemoTenantSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoTenantSeeder.name);
  private seeded: CreatedTenant | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organizations: OrganizationsService,
    private readonly tenants: TenantsService,
  ) {}

  /** The demo tenant when this boot created it. */
  get created(): CreatedTenant | undefined {
    return this.seeded;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo || !(await this.organizations.isEmpty())) return;
    try {
      this.seeded = await this.tenants.create({ ...DEMO_TENANT });
      this.logger.log(
        { organizationId: this.seeded.organization.id },
        'created the demo organization',
      );
    } catch (error) {
      // Another instance booting at the same moment created it first.
      if (!(error instanceof DomainError && error.code === 'slug_taken')) throw error;
    }
  }
}
