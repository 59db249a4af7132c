import type { LoggerService } from '@nestjs/common';
import { isStartUpChatter, QuietStartUpLogger } from './start-up-chatter';

describe('isStartUpChatter', () => {
  it("recognises Nest's start-up contexts by the last parameter", () => {
    expect(isStartUpChatter(['RouterExplorer'])).toBe(true);
    expect(isStartUpChatter([undefined, 'InstanceLoader'])).toBe(true);
    expect(isStartUpChatter(['NestApplication'])).toBe(true);
    expect(isStartUpChatter(['DemoTenantSeeder'])).toBe(false);
    expect(isStartUpChatter([])).toBe(false);
    expect(isStartUpChatter([{ context: 'RouterExplorer' }])).toBe(false);
  });
});

describe('QuietStartUpLogger', () => {
  function recording() {
    const calls: [string, unknown[]][] = [];
    const record =
      (level: string) =>
      (...args: unknown[]) =>
        void calls.push([level, args]);
    const inner: LoggerService = {
      log: record('log'),
      error: record('error'),
      warn: record('warn'),
      debug: record('debug'),
      verbose: record('verbose'),
      fatal: record('fatal'),
    };
    return { calls, logger: new QuietStartUpLogger(inner) };
  }

  it("logs Nest's start-up chatter at debug and everything else as it was", () => {
    const { calls, logger } = recording();
    logger.log('Mapped {/api/v1/users, GET} route', 'RouterExplorer');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('created the demo organization', 'DemoTenantSeeder');
    logger.warn('careful', 'RouterExplorer');
    logger.error('failed', 'NestApplication');
    logger.fatal('gone', 'Bootstrap');
    expect(calls).toEqual([
      ['debug', ['Mapped {/api/v1/users, GET} route', 'RouterExplorer']],
      ['debug', ['Nest application successfully started', 'NestApplication']],
      ['log', ['created the demo organization', 'DemoTenantSeeder']],
      ['warn', ['careful', 'RouterExplorer']],
      ['error', ['failed', 'NestApplication']],
      ['fatal', ['gone', 'Bootstrap']],
    ]);
  });
});
