import { Global, Module } from '@nestjs/common';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { createLogOutput, LogOutput } from './log-output';
import { QuietStartUpLogger } from './start-up-chatter';

const SECRET_FIELDS = ['password', 'token', 'secret', 'adminApiKey', 'apiKey', 'authorization'];

/** Paths that may hold secrets; pino replaces them with [Redacted] at any of the first three levels. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/** Injection token of the one pino logger every line goes through (the app's and each request's). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** pino's options: lines at the configured level, secret-named fields redacted. */
export function loggerOptions(config: Pick<AppConfig, 'logLevel'>): LoggerOptions {
  return { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } };
}

/** The root logger, writing to `destination` (the app's {@link LogOutput}), else the sink or stdout. */
export function createRootLogger(
  config: Pick<AppConfig, 'logLevel' | 'logSink'>,
  destination: DestinationStream | undefined = config.logSink,
): Logger {
  return destination ? pino(loggerOptions(config), destination) : pino(loggerOptions(config));
}

@Global()
@Module({
  providers: [
    { provide: LogOutput, inject: [APP_CONFIG], useFactory: createLogOutput },
    {
      provide: ROOT_LOGGER,
      inject: [APP_CONFIG, LogOutput],
      useFactory: (config: AppConfig, output: LogOutput) => {
        const logger = createRootLogger(config, output.stream);
        if (output.warning) logger.warn(output.warning);
        return logger;
      },
    },
  ],
  exports: [ROOT_LOGGER, LogOutput],
})
class RootLoggerModule {}

/**
 * Nest's logger (every `new Logger(context)`) on the root pino logger, through nestjs-pino, with
 * Nest's start-up chatter moved to debug ({@link QuietStartUpLogger}: what the app's setup hands to
 * `app.useLogger`). Its per-request part is ours ({@link requestLogger}, installed first by the app's
 * setup), so nestjs-pino's own middleware goes nowhere (`useExisting`, no routes).
 */
@Module({
  imports: [
    RootLoggerModule,
    LoggerModule.forRootAsync({
      imports: [RootLoggerModule],
      inject: [ROOT_LOGGER],
      useFactory: (logger: Logger) => ({ pinoHttp: { logger }, useExisting: true, forRoutes: [] }),
    }),
  ],
  providers: [
    {
      provide: QuietStartUpLogger,
      inject: [PinoNestLogger],
      useFactory: (logger: PinoNestLogger) => new QuietStartUpLogger(logger),
    },
  ],
  exports: [RootLoggerModule, QuietStartUpLogger],
})
export class LoggingModule {}
