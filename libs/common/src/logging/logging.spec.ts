import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { httpLoggerOptions } from './logging.module';

/** Logs one request (and one line written by code) through the real pino-http configuration. */
function logRequest(headers: Record<string, string>, url: string): Record<string, unknown>[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pinoHttp(httpLoggerOptions({ logLevel: 'info' }), sink);
  const req = Object.assign(new EventEmitter(), {
    id: 'req-1',
    method: 'POST',
    url,
    headers,
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), {
    statusCode: 201,
    getHeaders: () => ({ 'set-cookie': 'session=secret' }),
    setHeader: () => undefined,
  }) as unknown as ServerResponse;
  logger(req, res);
  req.log.info({ adminApiKey: 'rcak_abc_SECRET', nested: { token: 'SECRET-2' } }, 'custom');
  res.emit('finish');
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('HTTP logging', () => {
  it('writes the request id, method and path but never credentials or query strings', () => {
    const lines = logRequest(
      { authorization: 'Bearer rcak_abc_SECRET', cookie: 'session=SECRET' },
      '/api/v1/users?filter=userName%20eq%20%22alice%22&access_token=SECRET',
    );
    const text = JSON.stringify(lines);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.req).toMatchObject({ id: 'req-1', method: 'POST', path: '/api/v1/users' });
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('alice');
  });

  it('redacts secret-looking fields logged by the code', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pinoHttp(httpLoggerOptions({ logLevel: 'info' }), sink).logger;
    logger.info({ body: { password: 'hunter2', token: 't0k', adminApiKey: 'rcak_x' } }, 'x');
    expect(lines.join('')).not.toMatch(/hunter2|t0k|rcak_x/);
    expect(lines.join('')).toContain('[Redacted]');
  });
});
