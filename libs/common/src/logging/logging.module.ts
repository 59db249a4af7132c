import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

const SECRET_FIELDS = ['password', 'token', 'secret', 'adminApiKey', 'apiKey', 'authorization'];

/** Paths that may hold secrets; pino replaces them with [Redacted] at any of the first three levels. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/** The id assignRequestId gave the request (it runs before anything else). */
function requestId(req: IncomingMessage & { id?: unknown }): string {
  return typeof req.id === 'string' ? req.id : 'unknown';
}

/** Strips the query string, which may carry `access_token` or PII from SCIM filters. */
function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

/** pino-http options: one JSON line per request, with the request id and no secrets. */
export function httpLoggerOptions(config: Pick<AppConfig, 'logLevel'>): Options {
  return {
    level: config.logLevel,
    genReqId: requestId,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    autoLogging: { ignore: (req: IncomingMessage) => pathOnly(req.url).startsWith('/health') },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err !== undefined || res.statusCode >= 500 ? 'error' : 'info',
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        path: pathOnly(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: config.logSink
          ? [httpLoggerOptions(config), config.logSink]
          : httpLoggerOptions(config),
      }),
    }),
  ],
})
export class LoggingModule {}
