export { DatabaseModule } from './database.module';
export {
  dataSourceOptions,
  initializeDatabase,
  migrateToLatest,
  openDatabase,
  pendingSchemaChanges,
} from './data-source';
export { EmbeddedPostgres, DataDirectoryLockedError } from './embedded-postgres';
export { ENTITIES } from './schema';
export { dumpEmbedded } from './embedded-driver';
