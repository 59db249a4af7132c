// The ordered list of migrations, maintained by `npm run migration:generate`.
import type { MigrationInterface } from 'typeorm';
import { Foundation1795405270983 } from './1795405270983-Foundation';

type MigrationClass = new () => MigrationInterface;

export const MIGRATIONS: MigrationClass[] = [Foundation1795405270983];
