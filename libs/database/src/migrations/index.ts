// The ordered list of migrations, maintained by `npm run migration:generate`.
import type { MigrationInterface } from 'typeorm';
import { Foundation1795404865302 } from './1795404865302-Foundation';

type MigrationClass = new () => MigrationInterface;

export const MIGRATIONS: MigrationClass[] = [Foundation1795404865302];
