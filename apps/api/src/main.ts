import 'reflect-metadata';
import type { Server } from 'node:http';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { APP_CONFIG, type AppConfig, ConfigValidationError, LogOutput } from '@rollcall/common';
import { DataDirectoryLockedError } from '@rollcall/database';
import { GracefulShutdown } from '@rollcall/operations';
import { PortalSessionsService } from '@rollcall/portal-sessions';
import { DemoTenantSeeder } from '@rollcall/tenancy';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bodyParser: false, bufferLogs: true });
  configureApp(app);
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.port, config.host);
  stopOnSignals(app);
  const seeder = app.get(DemoTenantSeeder);
  const demo = seeder.created;
  const setupLink = demo
    ? await app.get(PortalSessionsService).issueSetupLink(demo.organization.id)
    : undefined;
  printBanner(config, seeder, app.get(LogOutput), setupLink?.url);
}

/** How long the requests in flight at SIGTERM may run before their connections are cut. */
const DRAIN_TIMEOUT_MS = 25_000;

/**
 * SIGTERM or SIGINT: refuse new connections, let the requests in flight finish, then close the
 * application (email worker, provisioning log, database pool) and exit 0. A second signal ends the
 * process at once.
 */
function stopOnSignals(app: INestApplication): void {
  const logger = new Logger('Shutdown');
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const stop = (signal: NodeJS.Signals) => {
    for (const s of signals) process.removeListener(s, stop);
    logger.log(`${signal}: draining the requests in flight, then stopping`);
    app
      .get(GracefulShutdown)
      .drain(app.getHttpServer() as Server, DRAIN_TIMEOUT_MS)
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  for (const signal of signals) process.on(signal, stop);
}

/**
 * What a person starting the service needs to know: plain text on stdout, not a log line, and the
 * last thing start-up prints. It goes through the log's own output, behind every line logged while
 * starting (pino writes asynchronously: a plain stdout write could overtake lines still queued).
 */
function printBanner(
  config: AppConfig,
  seeder: DemoTenantSeeder,
  output: LogOutput,
  setupLink: string | undefined,
): void {
  const base = config.publicUrl;
  const database =
    config.database.kind === 'postgres'
      ? 'PostgreSQL (DATABASE_URL)'
      : `embedded PostgreSQL in ${config.database.dataDir}`;
  const lines = [
    '',
    `Rollcall is ready on ${database}`,
    `  API            ${base}/api/v1`,
    `  Swagger UI     ${base}/docs   (OpenAPI JSON: ${base}/docs-json)`,
    `  SCIM base URL  ${base}/scim/v2`,
    `  Health         ${base}/health/ready`,
  ];
  if (config.operatorToken.generated) {
    lines.push(
      `  Operator token ${config.operatorToken.value}`,
      '                 (generated for this run; set ROLLCALL_OPERATOR_TOKEN to keep one)',
    );
  }
  const demo = seeder.created;
  if (demo) {
    lines.push(
      `  Demo organization "${demo.organization.slug}" (${demo.organization.id})`,
      `  Demo admin API key ${demo.adminApiKey.key}`,
      '                 (shown once: only its hash is stored)',
      `  Demo SAML SP   ${base}/sso/saml/${demo.organization.slug}/metadata   (connect an IdP: PUT /api/v1/sso/saml)`,
      ...(setupLink
        ? [
            `  Admin portal   ${setupLink}`,
            '                 (one-time setup link, valid 24 h; later: POST /api/v1/organizations/<id>/setup-link)',
          ]
        : []),
      `  Try it: curl -H "Authorization: Bearer ${demo.adminApiKey.key}" ${base}/api/v1/organization`,
    );
  } else if (config.seedDemo) {
    lines.push(
      '  Admin API keys are shown only when created. For a new one, as the operator:',
      `    curl -X POST ${base}/api/v1/organizations/<organizationId>/admin-api-keys \\`,
      '      -H "Authorization: Bearer <operator token>" -H "Content-Type: application/json" \\',
      `      -d '{"name":"my key"}'   (list organizations: GET ${base}/api/v1/organizations)`,
    );
  }
  output.print(`${lines.join('\n')}\n\n`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError || error instanceof DataDirectoryLockedError) {
    process.stderr.write(`Rollcall cannot start. ${error.message}\n`);
  } else {
    process.stderr.write(`Rollcall failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
