/**
 * Migration commands (run with ts-node; see package.json):
 *   run              apply pending migrations to the configured database
 *   revert           undo the last applied migration
 *   show             list migrations and whether each is applied
 *   generate <Name>  write a migration with whatever the entities need beyond the migrations
 *   check            fail if the entities need anything the migrations do not create (CI's drift check)
 * The configured database is DATABASE_URL or the embedded one in ROLLCALL_DATA_DIR. `generate` and
 * `check` without DATABASE_URL use a throw-away in-memory embedded database.
 */
import 'reflect-metadata';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { type DatabaseConfig, loadConfig } from '@rollcall/common';
import {
  dataSourceOptions,
  migrateToLatest,
  openDatabase,
  pendingSchemaChanges,
} from '@rollcall/database';

const MIGRATIONS_DIR = join(__dirname, '..', 'libs', 'database', 'src', 'migrations');

function configured(): DatabaseConfig {
  return loadConfig(process.env).database;
}

function scratch(): DatabaseConfig {
  const database = configured();
  return database.kind === 'postgres' ? database : { kind: 'embedded', dataDir: 'memory://' };
}

async function withDataSource<T>(
  database: DatabaseConfig,
  work: (ds: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

function render(name: string, timestamp: number, up: string[], down: string[]): string {
  const lines = (queries: string[]) =>
    queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

/** Rewrites migrations/index.ts to list every migration file in timestamp order. */
function writeIndex(): void {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{13}-[A-Za-z0-9]+\.ts$/.test(f))
    .sort();
  const entries = files.map((file) => {
    const [timestamp, name] = file.replace(/\.ts$/, '').split('-') as [string, string];
    return { module: `./${file.replace(/\.ts$/, '')}`, className: `${name}${timestamp}` };
  });
  const imports = entries.map((e) => `import { ${e.className} } from '${e.module}';`).join('\n');
  writeFileSync(
    join(MIGRATIONS_DIR, 'index.ts'),
    `// The ordered list of migrations, maintained by \`npm run migration:generate\`.\n` +
      `import type { MigrationInterface } from 'typeorm';\n${imports}\n\n` +
      'type MigrationClass = new () => MigrationInterface;\n\n' +
      `export const MIGRATIONS: MigrationClass[] = [${entries.map((e) => e.className).join(', ')}];\n`,
  );
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  switch (command) {
    case 'run': {
      const dataSource = await openDatabase(configured());
      const applied = await dataSource.query<{ name: string }[]>(
        'SELECT name FROM migrations ORDER BY id',
      );
      await dataSource.destroy();
      console.log(`Schema is up to date (${applied.length} migrations applied).`);
      return;
    }
    case 'revert':
      await withDataSource(configured(), async (ds) => {
        await ds.undoLastMigration({ transaction: 'each' });
        console.log('Reverted the last migration.');
      });
      return;
    case 'show':
      await withDataSource(configured(), async (ds) => {
        const pending = await ds.showMigrations();
        console.log(pending ? 'There are pending migrations.' : 'No pending migrations.');
      });
      return;
    case 'generate': {
      if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) {
        throw new Error('usage: migration:generate <PascalCaseName>');
      }
      await withDataSource(scratch(), async (ds) => {
        await migrateToLatest(ds);
        const sql = await ds.driver.createSchemaBuilder().log();
        if (sql.upQueries.length === 0) {
          console.log('The entities and migrations agree: nothing to generate.');
          return;
        }
        const timestamp = Date.now();
        const file = join(MIGRATIONS_DIR, `${timestamp}-${name}.ts`);
        writeFileSync(
          file,
          render(
            name,
            timestamp,
            sql.upQueries.map((q) => q.query),
            sql.downQueries.reverse().map((q) => q.query),
          ),
        );
        writeIndex();
        console.log(`Wrote ${file}. Review it (expression indexes are yours to add), then commit.`);
      });
      return;
    }
    case 'check':
      await withDataSource(scratch(), async (ds) => {
        await migrateToLatest(ds);
        const drift = await pendingSchemaChanges(ds);
        if (drift.length > 0) {
          console.error('The entities need changes that no migration makes:');
          for (const query of drift) console.error(`  ${query}`);
          console.error('Run `npm run migration:generate <Name>` and commit the result.');
          process.exitCode = 1;
          return;
        }
        console.log('Migrations and entities agree.');
      });
      return;
    default:
      throw new Error('usage: migrations <run|revert|show|generate <Name>|check>');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
