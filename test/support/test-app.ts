import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@rollcall/common';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp } from '../../apps/api/src/app.setup';
import { suiteLogSink } from './suite-logs';
import { createTestDatabase, type TestDatabase } from './test-database';

export const OPERATOR_TOKEN = 'rcop_test-operator-token-with-enough-length-0123456789';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** Direct SQL access to the app's database, for asserting what was stored. */
  dataSource: DataSource;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export function testConfig(
  database: TestDatabase['config'],
  overrides: Partial<AppConfig> = {},
): AppConfig {
  // Logs go to the run's log folder at debug, for the teardown's secret scan (suite-logs.ts).
  const logSink = suiteLogSink();
  return {
    env: 'test',
    host: '127.0.0.1',
    port: 0,
    publicUrl: 'http://rollcall.test',
    database,
    operatorToken: { value: OPERATOR_TOKEN, generated: false },
    logLevel: logSink ? 'debug' : 'silent',
    ...(logSink ? { logSink } : {}),
    seedDemo: false,
    smtp: { url: undefined, from: 'Rollcall <no-reply@rollcall.test>' },
    // Tests that deliver email turn the worker on (or drive it by hand).
    outbox: { worker: false, pollIntervalMs: 50, maxAttempts: 3 },
    metricsToken: undefined,
    // Counted on every request as in production, but far above what any suite sends; the rate-limit
    // tests set their own.
    rateLimits: {
      windowSeconds: 60,
      scim: 1_000_000,
      admin: 1_000_000,
      operatorAuthFailures: 1_000_000,
    },
    events: testEventsConfig(),
    // The SAML worker (metadata refresh, certificate notices) is driven by hand in tests.
    saml: { worker: false, metadataRefreshHours: 6 },
    portal: { idleMinutes: 30, absoluteHours: 12 },
    scimReadLane: true,
    ...overrides,
  };
}

/**
 * Tests that deliver events turn the workers on (or drive them by hand); their receivers listen
 * on 127.0.0.1.
 */
export function testEventsConfig(): AppConfig['events'] {
  return {
    retentionDays: 30,
    workers: false,
    webhooks: {
      secretKey: Buffer.alloc(32, 7),
      allowPrivateUrls: true,
      retryHours: 24,
      pollIntervalMs: 50,
    },
    nats: { url: undefined, stream: 'ROLLCALL_TEST' },
  };
}

/** A provider the test puts in place of the application's own (a seam a fault test needs). */
export interface ProviderOverride {
  provide: unknown;
  useValue: unknown;
}

/**
 * Boots the whole application, exactly as main.ts does, on a database of this test file's own — or,
 * with `shareDatabaseWith`, as a second instance on another app's PostgreSQL database.
 */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  shareDatabaseWith?: TestApp,
  providers: ProviderOverride[] = [],
): Promise<TestApp> {
  const database: TestDatabase = shareDatabaseWith
    ? { config: shareDatabaseWith.config.database, drop: async () => undefined }
    : await createTestDatabase();
  const config = testConfig(database.config, overrides);
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config);
  for (const provider of providers) {
    builder = builder.overrideProvider(provider.provide).useValue(provider.useValue);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureApp(app);
  await app.init();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  return {
    app,
    config,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    http: () => request(server),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
