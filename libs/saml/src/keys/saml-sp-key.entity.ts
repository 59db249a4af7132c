import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { type OrganizationEntity, OrganizationReference } from '@rollcall/identity/entities';

export const SP_KEY_USES = ['signing', 'encryption'] as const;
export type SpKeyUse = (typeof SP_KEY_USES)[number];

/**
 * A key pair of Rollcall's service provider for one organization: `signing` signs AuthnRequests,
 * `encryption` is what the IdP encrypts assertions to. The newest of a use is the current one; an
 * older one stays (published, and still decrypting) until the rollover is finished. The private key
 * is sealed with the SecretBox (the key's id as associated data); only the certificate is shown.
 */
@Entity({ name: 'saml_sp_keys' })
@Index('saml_sp_keys_org_use_idx', ['organizationId', 'use', 'createdAt'])
@Check('saml_sp_keys_use_check', `"use" IN ('signing', 'encryption')`)
export class SamlSpKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'saml_sp_keys_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('saml_sp_keys')
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 16 })
  use!: SpKeyUse;

  /** PEM certificate (self-signed), published in the SP metadata. */
  @Column({ type: 'text' })
  certificate!: string;

  /** The PKCS#8 PEM private key, sealed (never logged, never returned). */
  @Column({ name: 'private_key', type: 'text' })
  privateKey!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/** An IdP signing certificate expiry notice already sent: once per certificate and threshold. */
@Entity({ name: 'saml_certificate_notices' })
export class SamlCertificateNoticeEntity {
  @PrimaryColumn({
    name: 'organization_id',
    type: 'uuid',
    primaryKeyConstraintName: 'saml_certificate_notices_pkey',
  })
  organizationId!: string;

  @OrganizationReference('saml_certificate_notices')
  organization?: Relation<OrganizationEntity>;

  /** The certificate's SHA-256 fingerprint (as X509Certificate.fingerprint256 writes it). */
  @PrimaryColumn({
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'saml_certificate_notices_pkey',
  })
  fingerprint!: string;

  /** 90 or 30 (days before the certificate's notAfter). */
  @PrimaryColumn({
    name: 'threshold_days',
    type: 'integer',
    primaryKeyConstraintName: 'saml_certificate_notices_pkey',
  })
  thresholdDays!: number;

  @CreateDateColumn({ name: 'notified_at', type: 'timestamptz', precision: 3 })
  notifiedAt!: Date;
}
