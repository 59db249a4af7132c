import pg from 'pg';
import type { DataSource } from 'typeorm';
import { driverPool } from '@rollcall/common';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres';

/**
 * A stand-in for the `pg` module that TypeORM's postgres driver loads (its `driver` option). Its Pool
 * opens PGlite when TypeORM creates the pool and closes it (releasing the data-folder lock) when
 * TypeORM destroys the pool, so the embedded database lives exactly as long as the DataSource.
 *
 * PGlite's node-postgres adapter speaks the wire protocol over a single session, so the pool holds
 * one client that is never recycled.
 */
export class EmbeddedPoolBase extends pg.Pool {
  embedded!: EmbeddedPostgres;
}

export function createEmbeddedDriver(options: EmbeddedPostgresOptions): typeof pg {
  class EmbeddedPool extends EmbeddedPoolBase {
    constructor(poolConfig: pg.PoolConfig = {}) {
      const embedded = EmbeddedPostgres.openSync(options);
      super({
        ...poolConfig,
        connectionString: undefined,
        ...createPgConfig(embedded.pglite),
        max: 1,
        idleTimeoutMillis: 0,
      });
      this.embedded = embedded;
    }

    override end(): Promise<void>;
    override end(callback: () => void): void;
    override end(callback?: () => void): Promise<void> | void {
      const closed = super.end().finally(() => this.embedded.close());
      if (!callback) return closed;
      closed.then(callback, callback);
    }
  }
  return Object.create(pg, { Pool: { value: EmbeddedPool } }) as typeof pg;
}

/** Whether a data source runs on the embedded database (its pool is PGlite's). */
export function isEmbedded(dataSource: DataSource): boolean {
  return isEmbeddedPool(driverPool(dataSource));
}

export function isEmbeddedPool(pool: pg.Pool): pool is EmbeddedPoolBase {
  return pool instanceof EmbeddedPoolBase;
}

/** The whole embedded database behind a data source, as a tarball to start other instances from. */
export function dumpEmbedded(dataSource: DataSource): Promise<Buffer> {
  const pool = driverPool(dataSource);
  if (!(pool instanceof EmbeddedPoolBase)) {
    throw new Error('dumpEmbedded needs a data source on the embedded database');
  }
  return pool.embedded.dump();
}
