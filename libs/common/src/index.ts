export * from './config/app-config';
export { APP_CONFIG, ConfigModule } from './config/config.module';
export { DomainError, type ErrorCode, type FieldError } from './errors/domain-error';
export { describeError, type ScimType } from './errors/error-catalog';
export { ErrorFilter, PROBLEM_JSON, SCIM_JSON } from './http/error.filter';
export { answerClientErrors } from './http/client-errors';
export { createValidationPipe, IsOptionalNotNull, MaxDecimalPlaces } from './http/validation';
export * from './http/request-context';
export {
  createRootLogger,
  LoggingModule,
  loggerOptions,
  REDACTED_PATHS,
  ROOT_LOGGER,
} from './logging/logging.module';
export { requestLogger, type RequestBindings } from './logging/request-logger';
export {
  chooseLogFormat,
  createLogOutput,
  LogOutput,
  prettyMessage,
  type ChosenLogFormat,
} from './logging/log-output';
export {
  isStartUpChatter,
  QuietStartUpLogger,
  START_UP_CONTEXTS,
} from './logging/start-up-chatter';
export * from './security/secrets';
export { ServerKeys } from './security/server-keys';
export {
  KEY_FILE_NAME,
  keyFromDataDir,
  type KeySource,
  SecretBox,
  SERVER_KEY_PURPOSE,
} from './security/secret-box';
export * from './security/url-guard';
export { CommonModule } from './common.module';
export * from './http/pagination';
export { escapeRegExp } from './text';
export { UuidParamPipe } from './http/uuid-param.pipe';
export { ApiProblems, ProblemDto, FieldErrorDto } from './http/problem.dto';
export {
  assignRequestId,
  bodyParserErrors,
  MAX_JSON_DEPTH,
  MAX_JSON_OBJECT_MEMBERS,
  rejectHostileJson,
  rejectNulInQuery,
  requireJsonBodies,
  requireUtf8,
} from './http/json-body.middleware';
export { TimestampsDto, isoTimestamps } from './http/timestamps.dto';
export { escapeHtml, htmlPage, isBrowserPath } from './http/html';
export { readCookie, sessionCookieOptions } from './http/cookies';
export { runStatement, runStatementForOne } from './database/statement';
export { newestFirst } from './database/newest-first';
export { DatabaseSignals, SIGNAL_STALENESS_MS, type SignalWatch } from './database/signals';
export {
  catalogEntry,
  catalogKeyset,
  catalogOrder,
  catalogSortKey,
  sortExpressions,
  textColumn,
  timeColumn,
  type CatalogSearch,
  type Keyset,
  type RowPosition,
  type RelationSubAttribute,
  type SearchColumn,
  type SearchColumns,
  type SearchColumnType,
} from './database/search-columns';
export {
  noteStatement,
  observeStatements,
  StatementLogger,
  type StatementObserver,
} from './database/statement-log';
export { trackPools, driverPool } from './database/driver-pool';
export { RoundTimer, type RoundTimerOptions } from './workers/round-timer';
export { applySecurityHeaders, recordHelmet, type SecurityHeaders } from './http/security-headers';
export { requestStart, type RequestStart } from './http/request-start';
