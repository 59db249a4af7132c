import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { type OrganizationEntity, OrganizationReference } from '@rollcall/identity/entities';

/**
 * A browser session opened by an SSO sign-in. The cookie carries a random 256-bit token; only its
 * SHA-256 is stored, so a database reader cannot ride a session, and deleting the row ends it.
 */
@Entity({ name: 'web_sessions' })
@Index('web_sessions_user_idx', ['organizationId', 'userId'])
@Index('web_sessions_expires_idx', ['expiresAt'])
export class WebSessionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'web_sessions_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('web_sessions')
  organization?: Relation<OrganizationEntity>;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Index('web_sessions_token_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;
}
