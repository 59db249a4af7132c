import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const PLANS = ['team', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

/** A tenant. Everything else a customer owns carries its id. */
@Entity({ name: 'organizations' })
@Check('organizations_plan_check', `"plan" IN ('team', 'enterprise')`)
@Check('organizations_total_licenses_check', `"total_licenses" >= 0`)
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'organizations_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Index('organizations_slug_key', { unique: true })
  @Column({ type: 'varchar', length: 63 })
  slug!: string;

  @Column({ type: 'varchar', length: 20 })
  plan!: Plan;

  @Column({ name: 'total_licenses', type: 'integer' })
  totalLicenses!: number;

  @Column({ name: 'pro_for_all_users', type: 'boolean', default: false })
  proForAllUsers!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
