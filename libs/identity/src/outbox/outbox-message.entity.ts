import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import type { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationReference } from '../organizations/organization-reference';

export const OUTBOX_KINDS = [
  'user_reactivated',
  'scim_credentials_expiring',
  'scim_credentials_expired',
  'webhook_endpoint_disabled',
  'saml_certificate_expiring',
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/**
 * An email to send, written in the same transaction as the change that causes it, so a change is
 * never committed without its email nor an email sent for a change that rolled back. A worker
 * (NotificationsModule) claims pending rows, sends them and records the outcome: `sent_at` once
 * delivered, else `attempts`/`last_error` and a later `available_at`, and `failed_at` when it gives up.
 */
@Entity({ name: 'outbox_messages' })
@Index('outbox_messages_pending_idx', ['availableAt'], {
  where: '"sent_at" IS NULL AND "failed_at" IS NULL',
})
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'outbox_messages_pkey' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('outbox_messages')
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 64 })
  kind!: OutboxKind;

  @Column({ name: 'recipient', type: 'varchar', length: 320 })
  recipient!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'available_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  availableAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', precision: 3, nullable: true })
  sentAt!: Date | null;

  /** Set when the worker gave up after the maximum number of attempts; never retried after. */
  @Column({ name: 'failed_at', type: 'timestamptz', precision: 3, nullable: true })
  failedAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
