import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { LicensePoolsRepository, type PoolCatalogEntry } from './license-pools.repository';

/** More organizations than one instance serves at once; past it the catalog starts over. */
const MAX_ORGANIZATIONS = 10_000;

/**
 * The organizations' pools as this instance last read them, so that a SCIM create chooses its
 * pool without a statement of its own. Only a hint, never trusted: the INSERT that acts on the
 * choice carries the list's fingerprint and writes nothing when the pools have changed since
 * (UsersRepository.insert); the caller then reads them again (`read`), and that read replaces
 * what is kept here. Seat counts kept here are not used for any decision: the INSERT reads them.
 */
@Injectable()
export class PoolCatalog {
  private readonly entries = new Map<string, PoolCatalogEntry>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pools: LicensePoolsRepository,
  ) {}

  /** The organization's pools as last read here, or read now. */
  async get(organizationId: string): Promise<PoolCatalogEntry> {
    return this.entries.get(organizationId) ?? this.read(organizationId, this.dataSource.manager);
  }

  /** The organization's pools as they are now (in `manager`'s transaction), kept for next time. */
  async read(organizationId: string, manager: EntityManager): Promise<PoolCatalogEntry> {
    const entry = await this.pools.catalog(organizationId, manager);
    if (this.entries.size >= MAX_ORGANIZATIONS) this.entries.clear();
    this.entries.set(organizationId, entry);
    return entry;
  }
}
