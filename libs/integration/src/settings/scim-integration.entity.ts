import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { type OrganizationEntity, OrganizationReference } from '@rollcall/identity/entities';

export const IDENTITY_PROVIDERS = [
  'okta',
  'entra',
  'onelogin',
  'jumpcloud',
  'google',
  'other',
] as const;
export type IdentityProvider = (typeof IDENTITY_PROVIDERS)[number];
export const SCIM_AUTH_METHODS = ['bearer', 'basic'] as const;
export type ScimAuthMethod = (typeof SCIM_AUTH_METHODS)[number];

/**
 * An organization's SCIM connection. At most one per organization; disabling deletes it. The
 * credential is `rcscim_<credentialId>_<secret>` (bearer) or username `scim-<credentialId>` with the
 * secret as password (basic); only SHA-256(secret) is stored.
 */
@Entity({ name: 'scim_integrations' })
@Check(
  'scim_integrations_idp_check',
  `"idp" IN ('okta', 'entra', 'onelogin', 'jumpcloud', 'google', 'other')`,
)
@Check('scim_integrations_auth_method_check', `"auth_method" IN ('bearer', 'basic')`)
export class ScimIntegrationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'scim_integrations_pkey' })
  id!: string;

  @Index('scim_integrations_organization_id_key', { unique: true })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('scim_integrations')
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 16 })
  idp!: IdentityProvider;

  @Column({ name: 'auth_method', type: 'varchar', length: 16 })
  authMethod!: ScimAuthMethod;

  @Index('scim_integrations_credential_id_key', { unique: true })
  @Column({ name: 'credential_id', type: 'varchar', length: 16 })
  credentialId!: string;

  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'rotated_at', type: 'timestamptz', precision: 3, nullable: true })
  rotatedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  /** When admins were told these credentials expire within 30 days; cleared by a rotation. */
  @Column({ name: 'expiry_warning_sent_at', type: 'timestamptz', precision: 3, nullable: true })
  expiryWarningSentAt!: Date | null;

  /** When admins were told these credentials expired; cleared by a rotation. */
  @Column({ name: 'expired_notice_sent_at', type: 'timestamptz', precision: 3, nullable: true })
  expiredNoticeSentAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
