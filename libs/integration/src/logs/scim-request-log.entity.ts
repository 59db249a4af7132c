import { Column, Entity, Index, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { type OrganizationEntity, OrganizationReference } from '@rollcall/identity/entities';

/** One SCIM request as the provisioning log shows it. No secrets, no bodies; PII only userName. */
@Entity({ name: 'scim_request_logs' })
@Index('scim_request_logs_org_time_idx', ['organizationId', 'occurredAt', 'id'])
@Index('scim_request_logs_org_resource_idx', ['organizationId', 'resourceId'])
export class ScimRequestLogEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'scim_request_logs_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('scim_request_logs')
  organization?: Relation<OrganizationEntity>;

  @Column({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ type: 'varchar', length: 8 })
  method!: string;

  @Column({ type: 'varchar', length: 512 })
  path!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 32, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'uuid', nullable: true })
  resourceId!: string | null;

  @Column({ name: 'user_name', type: 'varchar', length: 256, nullable: true })
  userName!: string | null;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ type: 'varchar', length: 16 })
  outcome!: 'success' | 'failure';

  @Column({ name: 'scim_type', type: 'varchar', length: 32, nullable: true })
  scimType!: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  detail!: string | null;

  /** Why a request failed, for machines: the error's reason (`pool_full`) or else its code. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;
}
