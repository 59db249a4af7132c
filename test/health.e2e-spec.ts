import SwaggerParser from '@apidevtools/swagger-parser';
import { startTestApp, type TestApp } from './support/test-app';

describe('health and API docs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers liveness and readiness (with the database checked)', async () => {
    await app.http().get('/health/live').expect(200);
    const ready = await app.http().get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    const echoed = await app.http().get('/health/live').set('X-Request-Id', 'abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const made = await app.http().get('/health/live').set('X-Request-Id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Swagger UI at /docs', async () => {
    const page = await app.http().get('/docs').redirects(1).expect(200);
    expect(page.text).toContain('swagger-ui');
  });

  it('sets security headers and hides the framework', async () => {
    const response = await app.http().get('/health/live');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  describe('the OpenAPI document', () => {
    interface Operation {
      tags?: string[];
      summary?: string;
      security?: Record<string, string[]>[];
      requestBody?: { content: Record<string, { schema: unknown }> };
      responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
    }
    let document: {
      paths: Record<string, Record<string, Operation>>;
      components: {
        securitySchemes: Record<string, unknown>;
        schemas: Record<string, { properties?: Record<string, { example?: unknown }> }>;
      };
    };
    beforeAll(async () => {
      document = (await app.http().get('/docs-json').expect(200)).body;
    });

    it('declares the admin key and operator token security schemes', () => {
      expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
        'adminApiKey',
        'operatorToken',
        'portalSession',
        'scimBasic',
        'scimBearer',
      ]);
    });

    it('describes every /api route with a tag, a summary, a security requirement and typed responses', () => {
      const apiRoutes = Object.entries(document.paths).filter(([path]) => path.startsWith('/api/'));
      const operations = apiRoutes.flatMap(([, byMethod]) => Object.keys(byMethod));
      expect(operations.length).toBeGreaterThanOrEqual(8);
      for (const [path, operations] of apiRoutes) {
        for (const [method, operation] of Object.entries(operations)) {
          const where = `${method.toUpperCase()} ${path}`;
          expect([where, operation.tags?.length]).toEqual([where, 1]);
          expect([where, typeof operation.summary]).toEqual([where, 'string']);
          // Admin routes take the admin key or the portal's cookie; opening a portal session
          // takes a setup token in the body.
          const security = (operation.security ?? []).flatMap((s: object) => Object.keys(s));
          expect([where, security]).toEqual([
            where,
            where === 'POST /api/v1/portal/session'
              ? []
              : security.includes('adminApiKey')
                ? ['adminApiKey', 'portalSession']
                : [expect.any(String)],
          ]);
          const success = Object.entries(operation.responses).find(([status]) =>
            status.startsWith('2'),
          );
          const [status, response] = success ?? [];
          if (status !== '204') {
            // Downloads (`….csv`) are typed as text/csv; everything else as JSON.
            const type = path.endsWith('.csv') ? 'text/csv' : 'application/json';
            expect([where, response?.content?.[type]?.schema]).toEqual([where, expect.anything()]);
          }
          expect([where, operation.responses['401']]).toEqual([where, expect.anything()]);
        }
      }
    });

    it('passes an OpenAPI 3 validator', async () => {
      const validated = await SwaggerParser.validate(structuredClone(document) as never, {
        resolve: { external: false },
      });
      expect(Object.keys(validated.paths ?? {}).length).toBe(Object.keys(document.paths).length);
    });

    it('uses only OpenAPI 3 methods', () => {
      const allowed = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const method of Object.keys(operations)) {
          expect([path, method, allowed.includes(method)]).toEqual([path, method, true]);
        }
      }
    });

    it('gives every property of every schema an example', () => {
      for (const [name, schema] of Object.entries(document.components.schemas)) {
        for (const [property, definition] of Object.entries(schema.properties ?? {})) {
          expect([
            `${name}.${property}`,
            'example' in definition || '$ref' in definition || 'items' in definition,
          ]).toEqual([`${name}.${property}`, true]);
        }
      }
    });
  });
});
