import { Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, DatabaseSignals, ServerKeys } from '@rollcall/common';
import { DataDirectoryLockedError } from './embedded-postgres';
import { dataSourceOptions, initializeDatabase } from './data-source';
import { DatabaseServerKeys } from './server-keys.repository';
import { createSignals } from './signals';

/**
 * The system of record: PostgreSQL at DATABASE_URL, else PGlite in ROLLCALL_DATA_DIR; migrated at
 * boot. Also its LISTEN/NOTIFY signals (`DatabaseSignals`), for caches of what other instances change,
 * and the keys the instances share (`ServerKeys`).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database),
        retryAttempts: config.database.kind === 'postgres' ? 5 : 0,
        retryDelay: 2_000,
        toRetry: (error: unknown) => !(error instanceof DataDirectoryLockedError),
      }),
      dataSourceFactory: (options) => initializeDatabase(new DataSource(options!)),
    }),
  ],
  providers: [
    {
      provide: DatabaseSignals,
      inject: [APP_CONFIG, getDataSourceToken()],
      useFactory: (config: AppConfig, dataSource: DataSource) =>
        createSignals(
          dataSource,
          config.database.kind === 'postgres' ? config.database.url : undefined,
        ),
    },
    {
      provide: ServerKeys,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new DatabaseServerKeys(dataSource),
    },
  ],
  exports: [DatabaseSignals, ServerKeys],
})
export class DatabaseModule {}
