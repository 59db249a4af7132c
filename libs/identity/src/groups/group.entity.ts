import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationReference } from '../organizations/organization-reference';

/**
 * A group of users in an organization, provisioned over SCIM (`scim_managed`) or made by an admin.
 * Its members live in `group_members`, never in this row, so that changing one membership costs the
 * same whatever the size of the group.
 */
@Entity({ name: 'groups' })
// Unique (organization_id, lower(display_name)): an expression index, created by the migration.
@Index('groups_org_display_name_key', { synchronize: false })
@Index('groups_org_external_id_idx', ['organizationId', 'externalId'])
@Index('groups_org_created_idx', ['organizationId', 'createdAt', 'id'])
export class GroupEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'groups_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('groups')
  organization?: Relation<OrganizationEntity>;

  @Column({ name: 'display_name', type: 'varchar', length: 256 })
  displayName!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 256, nullable: true })
  externalId!: string | null;

  @Column({ name: 'scim_managed', type: 'boolean', default: false })
  scimManaged!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @VersionColumn({ type: 'integer' })
  version!: number;
}
