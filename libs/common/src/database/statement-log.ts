import type { Logger, QueryRunner } from 'typeorm';

/** Told of every statement the application sends, before it is sent. */
export type StatementObserver = (text: string, parameters: readonly unknown[] | undefined) => void;

const observers = new Set<StatementObserver>();

/**
 * Watches every statement: those that `runStatement` sends straight to the driver's pool and those
 * that TypeORM sends (its logger, `StatementLogger`, reports them here). Answers the way to stop.
 * For tests and diagnostics: the hot paths pay one empty loop when nobody watches.
 */
export function observeStatements(observer: StatementObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function noteStatement(text: string, parameters: readonly unknown[] | undefined): void {
  if (observers.size === 0) return;
  for (const observer of observers) observer(text, parameters);
}

/**
 * TypeORM's logger for every data source (`dataSourceOptions`): it prints nothing (the request log
 * and the error filter say what went wrong) and reports each statement TypeORM runs to
 * `noteStatement`, so that one place sees them all.
 */
export class StatementLogger implements Logger {
  logQuery(query: string, parameters?: unknown[], _queryRunner?: QueryRunner): void {
    noteStatement(query, parameters);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
