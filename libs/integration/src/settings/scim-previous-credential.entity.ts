import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { ScimIntegrationEntity } from './scim-integration.entity';

/**
 * The credential a rotation replaced, still accepted until `graceEndsAt` (or its own `expiresAt`,
 * whichever comes first) so that the IdP can be switched to the new one without a gap. The
 * integration's current credential stays in `scim_integrations`; this table holds at most one row
 * per integration (a unique `integration_id`), so an organization has at most two live credentials:
 * a second rotation during a grace period deletes this row before the replaced credential takes its
 * place. Deleted with its integration (disable) and when an admin ends the grace early. Only
 * SHA-256(secret) is stored, as for the current credential.
 */
@Entity({ name: 'scim_previous_credentials' })
export class ScimPreviousCredentialEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'scim_previous_credentials_pkey' })
  id!: string;

  @Index('scim_previous_credentials_integration_id_key', { unique: true })
  @Column({ name: 'integration_id', type: 'uuid' })
  integrationId!: string;

  // ManyToOne, not OneToOne: the unique index above is the constraint (OneToOne would add its own).
  @ManyToOne(() => ScimIntegrationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({
    name: 'integration_id',
    foreignKeyConstraintName: 'scim_previous_credentials_integration_id_fkey',
  })
  integration?: Relation<ScimIntegrationEntity>;

  @Index('scim_previous_credentials_credential_id_key', { unique: true })
  @Column({ name: 'credential_id', type: 'varchar', length: 16 })
  credentialId!: string;

  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  /** When the credential was issued (by the enable or the rotation that created it). */
  @Column({ name: 'issued_at', type: 'timestamptz', precision: 3 })
  issuedAt!: Date;

  /** The end of its two-year lifetime. */
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  /** The end of the grace period the admin picked when rotating: it stops working then. */
  @Column({ name: 'grace_ends_at', type: 'timestamptz', precision: 3 })
  graceEndsAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  /** Carried over from the integration at the rotation, so no notice is given twice. */
  @Column({ name: 'expiry_warning_sent_at', type: 'timestamptz', precision: 3, nullable: true })
  expiryWarningSentAt!: Date | null;

  @Column({ name: 'expired_notice_sent_at', type: 'timestamptz', precision: 3, nullable: true })
  expiredNoticeSentAt!: Date | null;
}
