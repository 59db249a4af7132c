import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * AuthnRequests we sent and not yet answered (for InResponseTo) and assertions already used (replay
 * protection), both kept in PostgreSQL so every instance behind the load balancer sees them, and
 * only until they could no longer be valid.
 */
@Entity({ name: 'saml_pending_requests' })
@Index('saml_pending_requests_expires_idx', ['expiresAt'])
export class SamlPendingRequestEntity {
  @PrimaryColumn({
    name: 'organization_id',
    type: 'uuid',
    primaryKeyConstraintName: 'saml_pending_requests_pkey',
  })
  organizationId!: string;

  @PrimaryColumn({
    name: 'request_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'saml_pending_requests_pkey',
  })
  requestId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;
}

@Entity({ name: 'saml_used_assertions' })
@Index('saml_used_assertions_expires_idx', ['expiresAt'])
export class SamlUsedAssertionEntity {
  @PrimaryColumn({
    name: 'organization_id',
    type: 'uuid',
    primaryKeyConstraintName: 'saml_used_assertions_pkey',
  })
  organizationId!: string;

  @PrimaryColumn({
    name: 'assertion_id',
    type: 'varchar',
    length: 256,
    primaryKeyConstraintName: 'saml_used_assertions_pkey',
  })
  assertionId!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;
}
