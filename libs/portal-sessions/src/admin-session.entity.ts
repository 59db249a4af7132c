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

export const PORTAL_ROLES = ['admin', 'group_admin'] as const;
export type PortalRole = (typeof PORTAL_ROLES)[number];

/**
 * A browser session of the admin portal. The cookie carries `rcps_<id>_<secret>`; only the secret's
 * SHA-256 is stored (compared in constant time), so a database reader cannot ride a session, and
 * deleting the row ends it. It ends after `idle` without use (`last_seen_at`) or at `expires_at`.
 */
@Entity({ name: 'admin_sessions' })
@Index('admin_sessions_expires_idx', ['expiresAt'])
@Check('admin_sessions_role_check', `"role" IN ('admin', 'group_admin')`)
export class AdminSessionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'admin_sessions_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('admin_sessions', 'CASCADE')
  organization?: Relation<OrganizationEntity>;

  /** The admin who signed in through SSO; null for a session opened with a setup link. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  role!: PortalRole;

  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', precision: 3 })
  lastSeenAt!: Date;

  /** The absolute end, however busy the session is. */
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;
}
