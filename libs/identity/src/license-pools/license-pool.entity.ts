import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import type { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationReference } from '../organizations/organization-reference';

export const DEFAULT_POOL_NAME = 'Default license pool';

/**
 * A share of an organization's licenses. `used` counts the active users seated in the pool and the
 * database itself refuses `used > capacity`, so no interleaving of requests on any number of API
 * instances can over-allocate a pool.
 */
@Entity({ name: 'license_pools' })
@Check('license_pools_capacity_check', `"capacity" >= 0`)
@Check('license_pools_used_check', `"used" >= 0 AND "used" <= "capacity"`)
@Index('license_pools_one_default_per_org', ['organizationId'], {
  unique: true,
  where: '"is_default"',
})
// Unique (organization_id, lower(name)): an expression index, created by the migration.
@Index('license_pools_org_name_key', { synchronize: false })
export class LicensePoolEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'license_pools_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('license_pools')
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;

  @Column({ type: 'integer' })
  capacity!: number;

  @Column({ type: 'integer', default: 0 })
  used!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
