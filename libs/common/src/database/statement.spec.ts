import { DataSource, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '@rollcall/database';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { driverPool } from './driver-pool';
import { runStatement } from './statement';
import { observeStatements } from './statement-log';

/** On the embedded database by default and on PostgreSQL when DATABASE_URL is set. */
describe('runStatement', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.config)).initialize();
    await dataSource.query('CREATE TABLE statement_spec (id int PRIMARY KEY, note text)');
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('answers the rows of a statement outside a transaction, also for an UPDATE', async () => {
    expect(
      await runStatement(
        dataSource,
        'INSERT INTO statement_spec VALUES ($1, $2), ($3, $4) RETURNING id',
        [1, 'a', 2, 'b'],
      ),
    ).toEqual([{ id: 1 }, { id: 2 }]);
    expect(
      await runStatement(
        dataSource.manager,
        `UPDATE statement_spec SET note = 'c' WHERE id = $1 RETURNING note`,
        [2],
      ),
    ).toEqual([{ note: 'c' }]);
    expect(await runStatement(dataSource, 'DELETE FROM statement_spec WHERE id = 0', [])).toEqual(
      [],
    );
  });

  it('runs on the transaction’s connection inside a transaction', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await runStatement(manager, 'INSERT INTO statement_spec VALUES ($1, $2)', [10, 'x']);
        const seen = await runStatement<{ n: number }[]>(
          manager,
          `UPDATE statement_spec SET note = 'y' WHERE id = $1 RETURNING 1 AS n`,
          [10],
        );
        expect(seen).toEqual([{ n: 1 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(
      await runStatement(dataSource, 'SELECT * FROM statement_spec WHERE id = 10', []),
    ).toEqual([]);
  });

  it('fails as TypeORM does: QueryFailedError with the SQLSTATE, in or out of a transaction', async () => {
    const duplicate = (source: DataSource | Parameters<typeof runStatement>[0]) =>
      runStatement(source, 'INSERT INTO statement_spec VALUES ($1, $2)', [1, 'again']);
    for (const attempt of [
      () => duplicate(dataSource),
      () => dataSource.transaction((manager) => duplicate(manager)),
    ]) {
      const error: unknown = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(QueryFailedError);
      expect((error as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe(
        '23505',
      );
    }
  });

  it('reports every statement, its own and TypeORM’s, to the statement log', async () => {
    const seen: string[] = [];
    const stop = observeStatements((text) => seen.push(text));
    try {
      await runStatement(dataSource, 'SELECT 1 AS outside', []);
      await dataSource.transaction(async (manager) => {
        await runStatement(manager, 'SELECT 2 AS inside', []);
        await manager.query('SELECT 3 AS typeorm');
      });
    } finally {
      stop();
    }
    await runStatement(dataSource, 'SELECT 4 AS unobserved', []);
    expect(seen).toEqual([
      'SELECT 1 AS outside',
      'START TRANSACTION',
      'SELECT 2 AS inside',
      'SELECT 3 AS typeorm',
      'COMMIT',
    ]);
  });

  it('uses the pool TypeORM made, found through the driver option, and no other', async () => {
    const pool = driverPool(dataSource);
    const before = pool.totalCount;
    await runStatement(dataSource, 'SELECT 1', []);
    expect(pool.totalCount).toBeGreaterThanOrEqual(Math.max(before, 1));
    const untracked = new DataSource({
      type: 'postgres',
      url: 'postgres://nobody@127.0.0.1:1/none',
    });
    await expect(runStatement(untracked, 'SELECT 1', [])).rejects.toThrow('no tracked driver pool');
  });
});
