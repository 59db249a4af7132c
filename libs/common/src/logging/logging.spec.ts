import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import { createRootLogger } from './logging.module';
import { requestLogger } from './request-logger';

type Line = Record<string, unknown>;

/**
 * One root logger for the file, as the app has one: nestjs-pino keeps the first root it is given
 * for lines logged outside requests.
 */
const lines: Line[] = [];
const root = createRootLogger({
  logLevel: 'info',
  logSink: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
});

function fakeExchange(url: string, statusCode = 201) {
  const req = Object.assign(new EventEmitter(), {
    id: 'req-1',
    method: 'POST',
    url,
    headers: { authorization: 'Bearer rcak_abc_SECRET', cookie: 'session=SECRET' },
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), {
    statusCode,
    writableFinished: true,
  }) as unknown as ServerResponse;
  return { req, res };
}

/** Nest's Logger, as the app's code uses it, over nestjs-pino over the root logger. */
function nestLogger(): Logger {
  const params = { pinoHttp: { logger: root } };
  Logger.overrideLogger(new PinoNestLogger(new PinoLogger(params), params));
  return new Logger('Test');
}

describe('HTTP logging', () => {
  beforeEach(() => {
    lines.length = 0;
    root.level = 'info';
  });
  afterEach(() => Logger.overrideLogger(false));

  it('writes the request id, method and path but never credentials or query strings', () => {
    const logger = nestLogger();
    const { req, res } = fakeExchange(
      '/api/v1/users?filter=userName%20eq%20%22alice%22&access_token=SECRET',
    );
    requestLogger(root)(req, res, () => {
      logger.log({ adminApiKey: 'rcak_abc_SECRET', nested: { token: 'SECRET-2' } }, 'custom');
    });
    res.emit('finish');
    res.emit('close');
    const text = JSON.stringify(lines);
    expect(lines).toHaveLength(2);
    const request = {
      id: 'req-1',
      method: 'POST',
      path: '/api/v1/users',
      remoteAddress: '127.0.0.1',
    };
    // Code's own lines are not bound to the request (no AsyncLocalStorage): they say what they need.
    expect(lines[0]).toMatchObject({ context: 'Test', msg: 'custom' });
    expect(lines[0]?.req).toBeUndefined();
    expect(lines[1]).toMatchObject({
      level: 30,
      req: request,
      res: { statusCode: 201 },
      responseTime: expect.any(Number),
      msg: 'request completed',
    });
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('alice');
  });

  it('logs a 5xx at error level, an abandoned request as aborted, and no health probe', () => {
    const failed = fakeExchange('/scim/v2/Users', 500);
    requestLogger(root)(failed.req, failed.res, () => undefined);
    failed.res.emit('finish');
    const gone = fakeExchange('/scim/v2/Users', 200);
    (gone.res as { writableFinished: boolean }).writableFinished = false;
    requestLogger(root)(gone.req, gone.res, () => undefined);
    gone.res.emit('close');
    const probe = fakeExchange('/health/ready', 200);
    requestLogger(root)(probe.req, probe.res, () => undefined);
    probe.res.emit('finish');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'request errored'],
      [30, 'request aborted'],
    ]);
  });

  it('logs outside a request without request bindings, and nothing below its level', () => {
    root.level = 'warn';
    const logger = nestLogger();
    const { req, res } = fakeExchange('/api/v1/users');
    requestLogger(root)(req, res, () => logger.log('quiet'));
    res.emit('finish');
    logger.warn('outside');
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'outside' })]);
    expect(lines[0]?.req).toBeUndefined();
  });

  it('redacts secret-looking fields logged by the code', () => {
    root.info({ body: { password: 'hunter2', token: 't0k', adminApiKey: 'rcak_x' } }, 'x');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/hunter2|t0k|rcak_x/);
    expect(text).toContain('[Redacted]');
  });
});
