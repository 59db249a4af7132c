import type pg from 'pg';
import type { DataSource } from 'typeorm';

/** The pool each tracked driver made last, by driver (the `driver` option of a data source). */
const pools = new WeakMap<object, pg.Pool>();

/**
 * A `pg` module (or a stand-in for it, like the embedded driver) whose Pool remembers itself, given
 * to TypeORM as the data source's `driver` option. `driverPool` then finds the pool TypeORM made
 * through that public option, not through TypeORM's internals.
 */
export function trackPools<D extends typeof pg>(driver: D): D {
  const tracked: D = Object.create(driver, {
    Pool: {
      value: class TrackedPool extends driver.Pool {
        constructor(config?: pg.PoolConfig) {
          super(config);
          pools.set(tracked, this);
        }
      },
    },
  }) as D;
  return tracked;
}

/**
 * The driver pool behind a data source made with a tracked driver. Throws when there is none (a data
 * source made some other way, or not initialized), so that nothing silently takes a slower path.
 */
export function driverPool(dataSource: DataSource): pg.Pool {
  const driver = dataSource.options.driver as object | undefined;
  const pool = driver && pools.get(driver);
  if (!pool) {
    throw new Error(
      'This data source has no tracked driver pool: make it with dataSourceOptions() and initialize it first.',
    );
  }
  return pool;
}
