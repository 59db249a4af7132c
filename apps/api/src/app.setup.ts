import { type INestApplication } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  answerClientErrors,
  applySecurityHeaders,
  assignRequestId,
  bodyParserErrors,
  isBrowserPath,
  ProblemDto,
  QuietStartUpLogger,
  type RollcallRequest,
  rejectHostileJson,
  recordHelmet,
  rejectNulInQuery,
  requireJsonBodies,
  requestLogger,
  requireUtf8,
  ROOT_LOGGER,
} from '@rollcall/common';
import {
  ProvisioningLogMiddleware,
  SCIM_BASIC_SCHEME,
  SCIM_BEARER_SCHEME,
} from '@rollcall/integration';
import { HttpMetricsMiddleware, ShutdownTrackingMiddleware } from '@rollcall/operations';
import { ScimGroupsReadLane } from '@rollcall/scim-groups';
import { ScimUsersReadLane } from '@rollcall/scim-users';
import { isPortalPath, PORTAL_HELMET_OPTIONS } from '@rollcall/portal-ui';
import { PORTAL_COOKIE } from '@rollcall/portal-sessions';
import {
  ADMIN_API_KEY_SCHEME,
  OPERATOR_TOKEN_SCHEME,
  PORTAL_SESSION_SCHEME,
} from '@rollcall/tenancy';
import { answerScimReadsFirst } from './scim-read-listener';

export const BODY_LIMIT = '1mb';

/**
 * Everything about the HTTP application that is not a module: shared by main.ts and the e2e tests so
 * that tests exercise exactly what production serves.
 */
export function configureApp(app: INestApplication): INestApplication {
  const expressApp = app as NestExpressApplication;
  expressApp.useLogger(app.get(QuietStartUpLogger));
  expressApp.disable('x-powered-by');
  answerClientErrors(expressApp.getHttpServer());
  expressApp.use(assignRequestId);
  const logLine = requestLogger(app.get(ROOT_LOGGER));
  expressApp.use(logLine);
  expressApp.use(securityHeaders());
  expressApp.use(['/api', '/scim'], requireJsonBodies);
  expressApp.use(
    express.json({
      limit: BODY_LIMIT,
      type: ['application/json', 'application/scim+json', 'application/*+json'],
      verify: requireUtf8,
    }),
    bodyParserErrors,
  );
  // The SAML HTTP-POST binding: the IdP's auto-submitted form (SAMLResponse, RelayState).
  expressApp.use(
    '/sso/saml/:orgSlug/acs',
    express.urlencoded({ limit: BODY_LIMIT, extended: false, parameterLimit: 10 }),
    bodyParserErrors,
  );
  expressApp.use(['/api', '/scim'], rejectHostileJson);
  expressApp.use('/api', rejectNulInQuery);
  // Here, ahead of every module's middleware and every route: a module's middleware may answer
  // (the SCIM read lanes do), and Nest mounts the middleware of importing modules before that of
  // the modules they import, so these must not be module middleware.
  const shutdown = app.get(ShutdownTrackingMiddleware);
  const metrics = app.get(HttpMetricsMiddleware);
  const provisioningLog = app.get(ProvisioningLogMiddleware);
  const track = (req: Request, res: Response, next: NextFunction) => shutdown.use(req, res, next);
  const count = (req: Request, res: Response, next: NextFunction) => metrics.use(req, res, next);
  const log = (req: Request, res: Response, next: NextFunction) =>
    provisioningLog.use(req as RollcallRequest, res, next);
  expressApp.use(track, count);
  expressApp.use('/scim/v2', log);
  // The same pipeline, for the SCIM reads the server's own listener answers ahead of Express.
  answerScimReadsFirst(expressApp.getHttpServer(), expressApp.getHttpAdapter().getInstance(), {
    lanes: { Users: app.get(ScimUsersReadLane), Groups: app.get(ScimGroupsReadLane) },
    pipeline: [assignRequestId, logLine, DEFAULT_SECURITY_HEADERS, track, count, log],
  });

  const document = SwaggerModule.createDocument(app, openApiConfig(), {
    extraModels: [ProblemDto],
  });
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Rollcall API',
  });
  return app;
}

/**
 * helmet's defaults everywhere, except one directive on Swagger UI (/docs and its assets) and the SSO
 * pages (whose sign-out form would otherwise post to https): helmet's
 * CSP has `upgrade-insecure-requests`, so a browser that opens /docs over plain HTTP at an address
 * other than localhost (Docker Compose on a server, a VM) fetches the page's scripts and styles over
 * HTTPS instead, fails, and shows a blank page. Those assets are all same-origin, so over HTTPS the
 * directive changes nothing; every other directive (script-src 'self', no inline script, ...) stays.
 * The admin portal (/admin) has a stricter policy of its own: only 'self', styles included.
 */
/** Recorded once at boot and replayed: the same headers as running helmet on every request. */
const DEFAULT_SECURITY_HEADERS = applySecurityHeaders(recordHelmet());

function securityHeaders() {
  const everywhere = DEFAULT_SECURITY_HEADERS;
  const swaggerUi = applySecurityHeaders(
    recordHelmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }),
  );
  const portal = applySecurityHeaders(recordHelmet(PORTAL_HELMET_OPTIONS));
  return (request: Request, response: Response, next: NextFunction) =>
    isPortalPath(request.path)
      ? portal(request, response, next)
      : request.path === '/docs' || request.path.startsWith('/docs/') || isBrowserPath(request.path)
        ? swaggerUi(request, response, next)
        : everywhere(request, response, next);
}

function openApiConfig() {
  return new DocumentBuilder()
    .setTitle('Rollcall')
    .setDescription(
      'Identity back end for enterprise learning accounts: SCIM 2.0 provisioning, SAML 2.0 SSO and ' +
        'license pools. Admin endpoints take `Authorization: Bearer <adminApiKey>`; creating ' +
        'organizations takes the operator token. Errors are `application/problem+json` (RFC 9457).',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An organization admin API key (rcak_…)' },
      ADMIN_API_KEY_SCHEME,
    )
    .addCookieAuth(
      PORTAL_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        description:
          'The admin portal’s session cookie (docs/admin-portal.md); POST, PUT, PATCH and DELETE also need X-CSRF-Token',
      },
      PORTAL_SESSION_SCHEME,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'The installation’s ROLLCALL_OPERATOR_TOKEN' },
      OPERATOR_TOKEN_SCHEME,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'The organization’s SCIM bearer token (rcscim_…)',
      },
      SCIM_BEARER_SCHEME,
    )
    .addBasicAuth(
      {
        type: 'http',
        scheme: 'basic',
        description: 'The organization’s SCIM username and password',
      },
      SCIM_BASIC_SCHEME,
    )
    .build();
}
