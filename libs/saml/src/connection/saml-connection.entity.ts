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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
