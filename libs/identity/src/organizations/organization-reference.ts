import { JoinColumn, ManyToOne } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

/**
 * The foreign key every tenant-owned table carries: `<table>.organization_id` → organizations, never
 * cascading (organizations are not deleted while they own rows). Put it on an `organization?`
 * relation beside the `organizationId` column.
 */
export function OrganizationReference(table: string): PropertyDecorator {
  const manyToOne = ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false });
  const joinColumn = JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: `${table}_organization_id_fkey`,
  });
  return (target, property) => {
    manyToOne(target, property);
    joinColumn(target, property);
  };
}
