import { serverUrl } from './test-database';

/**
 * `describe` for suites that need a real PostgreSQL server (several processes on one database, a
 * server the test restarts): on the embedded database (DATABASE_URL unset) the suite is skipped and
 * says why, in its name and on stderr. CI sets DATABASE_URL, so there they always run.
 */
export function describeOnPostgres(name: string, body: () => void): void {
  if (serverUrl()) {
    describe(name, body);
    return;
  }
  const reason =
    'skipped: needs a PostgreSQL server (set DATABASE_URL; the embedded database is one process)';
  process.stderr.write(`${name}: ${reason}\n`);
  describe.skip(`${name} (${reason})`, body);
}
