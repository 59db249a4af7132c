import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { dataSourceOptions, pendingSchemaChanges } from './data-source';

/** Runs on the embedded database by default and on PostgreSQL when DATABASE_URL is set. */
describe('the database', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.config)).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  async function anOrganization(totalLicenses = 10): Promise<string> {
    const [row] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO organizations (name, slug, plan, total_licenses)
       VALUES ('T', 'o-' || substr(md5(random()::text), 1, 10), 'enterprise', $1) RETURNING id`,
      [totalLicenses],
    );
    return row.id;
  }

  it('matches the entities exactly after migrating (no drift)', async () => {
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('refuses a pool whose used seats exceed its capacity', async () => {
    const organizationId = await anOrganization();
    const [pool] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO license_pools (organization_id, name, is_default, capacity, used)
       VALUES ($1, 'Default license pool', true, 2, 2) RETURNING id`,
      [organizationId],
    );
    await expect(
      dataSource.query('UPDATE license_pools SET used = used + 1 WHERE id = $1', [pool.id]),
    ).rejects.toThrow(/license_pools_used_check/);
    await expect(
      dataSource.query('UPDATE license_pools SET capacity = 1 WHERE id = $1', [pool.id]),
    ).rejects.toThrow(/license_pools_used_check/);
  });

  it('allows one default pool per organization and unique pool names in any case', async () => {
    const organizationId = await anOrganization();
    const insert = (name: string, isDefault: boolean) =>
      dataSource.query(
        `INSERT INTO license_pools (organization_id, name, is_default, capacity) VALUES ($1, $2, $3, 1)`,
        [organizationId, name, isDefault],
      );
    await insert('Default license pool', true);
    await expect(insert('Another default', true)).rejects.toThrow(
      /license_pools_one_default_per_org/,
    );
    await insert('Sales', false);
    await expect(insert('SALES', false)).rejects.toThrow(/license_pools_org_name_key/);
  });

  it('rolls a failed transaction back completely', async () => {
    const before = await dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM organizations',
    );
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO organizations (name, slug, plan, total_licenses) VALUES ('R', 'rollback-me', 'team', 1)`,
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM organizations',
    );
    expect(after).toEqual(before);
  });

  it('refuses unknown plans and negative license counts', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO organizations (name, slug, plan, total_licenses) VALUES ('X', 'bad-plan', 'gold', 1)`,
      ),
    ).rejects.toThrow(/organizations_plan_check/);
    await expect(anOrganization(-1)).rejects.toThrow(/organizations_total_licenses_check/);
  });
});

describe('migrations', () => {
  it('revert all the way down and apply again cleanly', async () => {
    const database = await createTestDatabase();
    const dataSource = await new DataSource(dataSourceOptions(database.config)).initialize();
    try {
      const applied = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations');
      expect(applied.length).toBe(dataSource.migrations.length);
      for (let i = 0; i < applied.length; i += 1) {
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
      const tables = await dataSource.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
      );
      expect(tables).toEqual([]);
      await dataSource.runMigrations({ transaction: 'each' });
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
