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
 * A one-time link into the admin portal (`/admin/setup#token=rcsl_<id>_<secret>`), issued by the
 * operator. Only the secret's SHA-256 is stored; `used_at` is set by the one sign-in it allows.
 */
@Entity({ name: 'admin_setup_links' })
@Index('admin_setup_links_organization_idx', ['organizationId'])
export class AdminSetupLinkEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'admin_setup_links_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('admin_setup_links', 'CASCADE')
  organization?: Relation<OrganizationEntity>;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', precision: 3, nullable: true })
  usedAt!: Date | null;
}
