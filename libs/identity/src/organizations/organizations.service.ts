import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError, decodeCursor, toPage, type Page } from '@rollcall/common';
import { LicensePoolsRepository } from '../license-pools/license-pools.repository';
import { LicensePoolsService } from '../license-pools/license-pools.service';
import type { OrganizationEntity } from './organization.entity';
import { type NewOrganization, OrganizationsRepository } from './organizations.repository';

export type OrganizationChanges = Partial<
  Pick<NewOrganization, 'name' | 'plan' | 'totalLicenses' | 'proForAllUsers'>
>;

/** A read model of an organization, free of ORM types. */
export interface Organization {
  id: string;
  name: string;
  slug: string;
  plan: OrganizationEntity['plan'];
  totalLicenses: number;
  proForAllUsers: boolean;
  createdAt: Date;
  updatedAt: Date;
}

function toOrganization(entity: OrganizationEntity): Organization {
  const { id, name, slug, plan, totalLicenses, proForAllUsers, createdAt, updatedAt } = entity;
  return { id, name, slug, plan, totalLicenses, proForAllUsers, createdAt, updatedAt };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } })
    .driverError;
  return (
    error instanceof QueryFailedError &&
    driverError?.code === '23505' &&
    driverError.constraint === constraint
  );
}

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
    private readonly pools: LicensePoolsRepository,
    private readonly licensePools: LicensePoolsService,
  ) {}

  /**
   * Creates a tenant with its default license pool, inside the caller's transaction when given one
   * (so that whatever else the caller creates with it stands or falls together).
   */
  async create(input: NewOrganization, manager?: EntityManager): Promise<Organization> {
    if (!manager) return this.dataSource.transaction((tx) => this.create(input, tx));
    if (await this.organizations.findBySlug(input.slug, manager)) throw slugTaken(input.slug);
    try {
      const organization = await this.organizations.insert(input, manager);
      await this.pools.insertDefault(organization.id, input.totalLicenses, manager);
      return toOrganization(organization);
    } catch (error) {
      if (isUniqueViolation(error, 'organizations_slug_key')) throw slugTaken(input.slug);
      throw error;
    }
  }

  /**
   * The operator's changes (and an admin's, for name and proForAllUsers). A new totalLicenses
   * resizes the default pool under the same arithmetic as pool changes; the team plan is refused
   * while custom pools exist.
   */
  update(id: string, changes: OrganizationChanges): Promise<Organization> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.organizations.findById(id, manager)))
        throw DomainError.notFound('Organization');
      if (changes.totalLicenses !== undefined) {
        await this.licensePools.setTotalLicenses(id, changes.totalLicenses, manager);
      }
      if (changes.plan === 'team' && (await this.licensePools.hasCustomPools(id, manager))) {
        throw new DomainError(
          'conflict',
          'The organization has custom license pools, which need the enterprise plan; delete them first.',
        );
      }
      const { totalLicenses: _handled, ...rest } = changes;
      const organization = await this.organizations.update(id, rest, manager);
      return toOrganization(organization);
    });
  }

  async get(id: string): Promise<Organization> {
    const organization = await this.organizations.findById(id);
    if (!organization) throw DomainError.notFound('Organization');
    return toOrganization(organization);
  }

  /** The organization a public URL names by its slug (SSO endpoints), or null (also for junk). */
  async findBySlug(slug: string): Promise<Organization | null> {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) return null;
    const organization = await this.organizations.findBySlug(slug);
    return organization ? toOrganization(organization) : null;
  }

  async list(limit: number, cursor?: string): Promise<Page<Organization>> {
    const rows = await this.organizations.listAfter(decodeCursor(cursor), limit + 1);
    return toPage(rows, limit, toOrganization);
  }

  /** True when no tenant exists yet (a fresh installation). */
  async isEmpty(): Promise<boolean> {
    return !(await this.organizations.exists());
  }
}

function slugTaken(slug: string): DomainError {
  return new DomainError('slug_taken', `An organization with slug "${slug}" already exists.`, [
    { field: 'slug', message: 'slug is already in use' },
  ]);
}
