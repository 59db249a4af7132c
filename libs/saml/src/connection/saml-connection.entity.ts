import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { type OrganizationEntity, OrganizationReference } from '@rollcall/identity/entities';

/** The assertion attribute names Rollcall reads (SPEC §5); each can be renamed per organization. */
export interface SamlAttributeNames {
  email: string;
  firstName: string;
  lastName: string;
  displayName: string;
  externalId: string;
  groups: string;
  licensePoolName: string;
}

export const DEFAULT_ATTRIBUTE_NAMES: SamlAttributeNames = {
  email: 'email',
  firstName: 'firstName',
  lastName: 'lastName',
  displayName: 'displayName',
  externalId: 'externalID',
  groups: 'groups',
  licensePoolName: 'licensePoolName',
};

/** An organization's SAML identity provider: at most one per organization. */
@Entity({ name: 'saml_connections' })
export class SamlConnectionEntity {
  @PrimaryColumn({
    name: 'organization_id',
    type: 'uuid',
    primaryKeyConstraintName: 'saml_connections_pkey',
  })
  organizationId!: string;

  @OrganizationReference('saml_connections')
  organization?: Relation<OrganizationEntity>;

  @Column({ name: 'idp_entity_id', type: 'varchar', length: 1024 })
  idpEntityId!: string;

  @Column({ name: 'idp_sso_url', type: 'varchar', length: 2048 })
  idpSsoUrl!: string;

  /** PEM certificates whose keys may sign responses (several during an IdP's key rollover). */
  @Column({ name: 'idp_certificates', type: 'text', array: true })
  idpCertificates!: string[];

  @Column({ name: 'attribute_names', type: 'jsonb' })
  attributeNames!: SamlAttributeNames;

  /** Create unknown people at their first sign-in (only while SCIM is off; SPEC §5). */
  @Column({ name: 'jit_provisioning', type: 'boolean' })
  jitProvisioning!: boolean;

  /** A response or assertion issued longer ago than this (plus the clock skew) is refused. */
  @Column({ name: 'max_assertion_age_seconds', type: 'integer', default: 300 })
  maxAssertionAgeSeconds!: number;

  /** When set, an AuthnInstant (the person's authentication at the IdP) older than this is refused. */
  @Column({ name: 'max_authentication_age_seconds', type: 'integer', nullable: true })
  maxAuthenticationAgeSeconds!: number | null;

  /** Sign AuthnRequests (HTTP-Redirect: SigAlg and Signature) with the SP signing key. */
  @Column({ name: 'sign_authn_requests', type: 'boolean', default: false })
  signAuthnRequests!: boolean;

  /** Refuse assertions that are not encrypted to the SP encryption key. */
  @Column({ name: 'require_encrypted_assertions', type: 'boolean', default: false })
  requireEncryptedAssertions!: boolean;

  /** Where the IdP publishes its metadata; set, it is fetched again on a schedule. */
  @Column({ name: 'idp_metadata_url', type: 'varchar', length: 2048, nullable: true })
  idpMetadataUrl!: string | null;

  /** The last attempt to fetch the metadata (success or not). */
  @Column({ name: 'metadata_checked_at', type: 'timestamptz', precision: 3, nullable: true })
  metadataCheckedAt!: Date | null;

  /** The last fetch that succeeded. */
  @Column({ name: 'metadata_refreshed_at', type: 'timestamptz', precision: 3, nullable: true })
  metadataRefreshedAt!: Date | null;

  /** Why the last fetch failed; null after a success. */
  @Column({ name: 'metadata_error', type: 'varchar', length: 1024, nullable: true })
  metadataError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
