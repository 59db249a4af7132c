import type { LoggerService } from '@nestjs/common';

/**
 * Nest's own start-up lines: each module's "dependencies initialized", each controller and route
 * mapped (a hundred lines), "Starting Nest application..." and "successfully started". They say
 * nothing an operator acts on and push the start-up banner off the screen.
 */
export const START_UP_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Whether Nest's `log(message, ...params)` call is start-up chatter: its context is the last param. */
export function isStartUpChatter(optionalParams: readonly unknown[]): boolean {
  const context = optionalParams.at(-1);
  return typeof context === 'string' && START_UP_CONTEXTS.has(context);
}

/**
 * The logger Nest uses (`app.useLogger`, so every `new Logger(context)`): nestjs-pino's, except that
 * Nest's start-up chatter ({@link START_UP_CONTEXTS}) is logged at debug instead of info. At the
 * default level it is not shown; `LOG_LEVEL=debug` shows it. Only `log` (info) calls move: warnings
 * and errors from those contexts keep their level.
 */
export class QuietStartUpLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    if (isStartUpChatter(optionalParams)) this.debug(message, ...optionalParams);
    else this.inner.log(message, ...optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.error(message, ...optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.warn(message, ...optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.debug?.(message, ...optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.verbose?.(message, ...optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    if (this.inner.fatal) this.inner.fatal(message, ...optionalParams);
    else this.inner.error(message, ...optionalParams);
  }
}
