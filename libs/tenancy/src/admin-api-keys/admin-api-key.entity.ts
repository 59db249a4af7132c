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
 * An organization's admin API key. The key is `rcak_<keyId>_<secret>`: `keyId` finds the row, and
 * only the SHA-256 of the secret is stored.
 */
@Entity({ name: 'admin_api_keys' })
@Index('admin_api_keys_organization_id_idx', ['organizationId', 'createdAt'])
export class AdminApiKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'admin_api_keys_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('admin_api_keys')
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Index('admin_api_keys_key_id_key', { unique: true })
  @Column({ name: 'key_id', type: 'varchar', length: 16 })
  keyId!: string;

  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
