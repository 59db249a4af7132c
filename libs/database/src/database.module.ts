import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@rollcall/common';
import { DataDirectoryLockedError } from './embedded-postgres';
import { dataSourceOptions, initializeDatabase } from './data-source';

/** The system of record: PostgreSQL at DATABASE_URL, else PGlite in ROLLCALL_DATA_DIR; migrated at boot. */
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
})
export class DatabaseModule {}
