import { JoinColumn, ManyToOne } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

/**
 * The foreign key every tenant-owned table carries: `<table>.organization_id` → organizations, not
 * cascading by default (organizations are not deleted while they own tenant data); `CASCADE` for
 * rows worth nothing without their organization (the admin portal's sessions and setup links).
 * Put it on an `organization?` relation beside the `organizationId` column.
 */
export function OrganizationReference(
  table: string,
  onDelete: 'RESTRICT' | 'CASCADE' = 'RESTRICT',
): PropertyDecorator {
  const manyToOne = ManyToOne(() => OrganizationEntity, { onDelete, nullable: false });
  const joinColumn = JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: `${table}_organization_id_fkey`,
  });
  return (target, property) => {
    manyToOne(target, property);
    joinColumn(target, property);
  };
}
