import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { LicensePoolEntity } from '../license-pools/license-pool.entity';
import type { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationReference } from '../organizations/organization-reference';

export const USER_STATUSES = [
  'provisioned',
  'pending',
  'active',
  'deactivated',
  'anonymized',
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const ROLES = ['admin', 'group_admin', 'user'] as const;
export type Role = (typeof ROLES)[number];
export const LICENSE_TIERS = ['enterprise', 'pro'] as const;
export type LicenseTier = (typeof LICENSE_TIERS)[number];

/** A multi-valued SCIM attribute element (emails, phoneNumbers, addresses, ims, photos). */
export type MultiValue = Record<string, string | boolean | null>;

/** Enterprise extension attributes (RFC 7643 §4.3). */
export interface EnterpriseAttributes {
  employeeNumber?: string;
  costCenter?: string;
  organization?: string;
  division?: string;
  department?: string;
  /** The manager: its id (`value`), the URI of its resource (`$ref`) and its name, as given. */
  manager?: { value?: string; $ref?: string; displayName?: string };
}

/**
 * A person in an organization. Seats: a user holds a seat in its pool exactly while its status is
 * `active`, and the pool's `used` counter moves in the same transaction as the status.
 */
@Entity({ name: 'users' })
@Check(
  'users_status_check',
  `"status" IN ('provisioned', 'pending', 'active', 'deactivated', 'anonymized')`,
)
@Check('users_role_check', `"role" IN ('admin', 'group_admin', 'user')`)
@Check('users_license_tier_check', `"license_tier" IN ('enterprise', 'pro')`)
// Expression indexes created by the migration (TypeORM cannot declare them):
// unique (organization_id, lower(user_name)); (organization_id, lower(primary_email));
// (organization_id, lower(external_id)); GIN (email_values); and the partial
// (organization_id, created_at, id) WHERE scim_visible AND status <> 'anonymized' for SCIM paging.
@Index('users_org_user_name_key', { synchronize: false })
@Index('users_scim_page_idx', { synchronize: false })
@Index('users_org_primary_email_idx', { synchronize: false })
@Index('users_org_external_id_idx', { synchronize: false })
@Index('users_email_values_idx', { synchronize: false })
@Index('users_org_created_idx', ['organizationId', 'createdAt', 'id'])
@Index('users_license_pool_idx', ['licensePoolId'])
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'users_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('users')
  organization?: Relation<OrganizationEntity>;

  @Column({ name: 'user_name', type: 'varchar', length: 256 })
  userName!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 256, nullable: true })
  externalId!: string | null;

  @Column({ name: 'formatted_name', type: 'varchar', length: 512, nullable: true })
  formattedName!: string | null;

  @Column({ name: 'given_name', type: 'varchar', length: 256, nullable: true })
  givenName!: string | null;

  @Column({ name: 'family_name', type: 'varchar', length: 256, nullable: true })
  familyName!: string | null;

  @Column({ name: 'middle_name', type: 'varchar', length: 256, nullable: true })
  middleName!: string | null;

  @Column({ name: 'honorific_prefix', type: 'varchar', length: 64, nullable: true })
  honorificPrefix!: string | null;

  @Column({ name: 'honorific_suffix', type: 'varchar', length: 64, nullable: true })
  honorificSuffix!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 512, nullable: true })
  displayName!: string | null;

  @Column({ name: 'nick_name', type: 'varchar', length: 256, nullable: true })
  nickName!: string | null;

  @Column({ name: 'profile_url', type: 'varchar', length: 2048, nullable: true })
  profileUrl!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  title!: string | null;

  @Column({ name: 'user_type', type: 'varchar', length: 128, nullable: true })
  userType!: string | null;

  @Column({ name: 'preferred_language', type: 'varchar', length: 64, nullable: true })
  preferredLanguage!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  locale!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone!: string | null;

  @Column({ type: 'jsonb' })
  emails!: MultiValue[];

  /** lower(value) of every email, for indexed `emails.value eq` lookups. */
  @Column({ name: 'email_values', type: 'text', array: true })
  emailValues!: string[];

  /** The primary (else work, else first) email, lowercased: how SSO finds a user. */
  @Column({ name: 'primary_email', type: 'varchar', length: 320, nullable: true })
  primaryEmail!: string | null;

  @Column({ name: 'phone_numbers', type: 'jsonb' })
  phoneNumbers!: MultiValue[];

  @Column({ type: 'jsonb' })
  addresses!: MultiValue[];

  @Column({ type: 'jsonb' })
  ims!: MultiValue[];

  @Column({ type: 'jsonb' })
  photos!: MultiValue[];

  @Column({ type: 'jsonb' })
  enterprise!: EnterpriseAttributes;

  @Column({ type: 'varchar', length: 16, default: 'user' })
  role!: Role;

  @Column({ name: 'license_pool_id', type: 'uuid' })
  licensePoolId!: string;

  @ManyToOne(() => LicensePoolEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'license_pool_id', foreignKeyConstraintName: 'users_license_pool_id_fkey' })
  licensePool?: Relation<LicensePoolEntity>;

  @Column({ name: 'license_tier', type: 'varchar', length: 16, default: 'enterprise' })
  licenseTier!: LicenseTier;

  @Column({ type: 'varchar', length: 16 })
  status!: UserStatus;

  @Column({ name: 'scim_managed', type: 'boolean', default: false })
  scimManaged!: boolean;

  /** False after a SCIM DELETE: the user is kept (deactivated) but SCIM answers 404 for it. */
  @Column({ name: 'scim_visible', type: 'boolean', default: true })
  scimVisible!: boolean;

  @Column({ name: 'first_login_at', type: 'timestamptz', precision: 3, nullable: true })
  firstLoginAt!: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', precision: 3, nullable: true })
  lastLoginAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @VersionColumn({ type: 'integer' })
  version!: number;
}
