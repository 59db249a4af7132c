import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { type OrganizationEntity, OrganizationReference } from '@rollcall/identity/entities';

export const SIGN_IN_OUTCOMES = ['success', 'refused', 'rejected'] as const;
/** success: signed in; refused: a valid assertion the policy turned away; rejected: an invalid response. */
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

/** One SSO sign-in attempt and what became of it (SPEC §7). Never holds a SAML response or secret. */
@Entity({ name: 'sign_in_attempts' })
@Index('sign_in_attempts_org_created_idx', ['organizationId', 'createdAt', 'id'])
export class SignInAttemptEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'sign_in_attempts_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('sign_in_attempts')
  organization?: Relation<OrganizationEntity>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  /** `sp` (started at our login URL, InResponseTo checked) or `idp` (unsolicited). */
  @Column({ type: 'varchar', length: 8 })
  flow!: 'sp' | 'idp';

  @Column({ type: 'varchar', length: 16 })
  outcome!: SignInOutcome;

  /** A machine-readable reason: signed_in, pool_full, unknown_pool, account_deactivated, invalid_signature… */
  @Column({ type: 'varchar', length: 64 })
  reason!: string;

  @Column({ type: 'varchar', length: 1024 })
  detail!: string;

  /** Who the assertion named (its email, else NameID); null when the response could not be read. */
  @Column({ type: 'varchar', length: 320, nullable: true })
  subject!: string | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ name: 'license_pool_name', type: 'varchar', length: 256, nullable: true })
  licensePoolName!: string | null;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp!: string | null;
}
