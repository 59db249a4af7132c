import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The admin portal's files at /admin (libs/portal-ui): index.html for every page path, the bundled
 * assets with immutable caching, a Content-Security-Policy of 'self' only, nothing in OpenAPI.
 */
describe('Admin portal files (/admin)', () => {
  let app: TestApp;
  let script: string;
  let style: string;

  beforeAll(async () => {
    app = await startTestApp();
    const index = await app.http().get('/admin').expect(200);
    script = /src="(\/admin\/assets\/app-[A-Z0-9]+\.js)"/.exec(index.text)?.[1] ?? '';
    style = /href="(\/admin\/assets\/app-[A-Z0-9]+\.css)"/.exec(index.text)?.[1] ?? '';
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers index.html, never cached unrevalidated, for /admin and every page path below it', async () => {
    for (const path of ['/admin', '/admin/', '/admin/users', '/admin/pools', '/admin/setup']) {
      const response = await app.http().get(path).expect(200);
      expect([path, response.headers['content-type']]).toEqual([path, 'text/html; charset=utf-8']);
      expect([path, response.headers['cache-control']]).toEqual([path, 'no-cache']);
      expect(response.text).toContain('<div id="app">');
    }
    expect(script).not.toBe('');
    expect(style).not.toBe('');
  });

  it('serves the bundled script and style from /admin/assets, cached as immutable', async () => {
    const js = await app.http().get(script).expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.text.length).toBeGreaterThan(1000);
    const css = await app.http().get(style).expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers 404 for files that are not there, and reads nothing outside the bundle', async () => {
    for (const path of [
      '/admin/assets/app-MISSING.js',
      '/admin/assets/..%2Findex.html',
      '/admin/assets/%2E%2E%2F%2E%2E%2Fpackage.json',
      '/admin/favicon.ico',
      '/admin/users/export.csv',
    ]) {
      const response = await app.http().get(path);
      expect([path, response.status]).toEqual([path, 404]);
      expect([path, response.headers['content-type']]).toEqual([
        path,
        expect.stringContaining('application/problem+json'),
      ]);
    }
  });

  it("allows only 'self' in its Content-Security-Policy: no inline script or style, no framing", async () => {
    const response = await app.http().get('/admin/users').expect(200);
    const csp = String(response.headers['content-security-policy']);
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'script-src-attr': "'none'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'self'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
    expect(response.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(response.text).not.toMatch(/<style|style="/);
    // The API keeps its own policy.
    const api = await app.http().get('/health/live');
    expect(api.headers['content-security-policy']).not.toBe(csp);
  });

  it('is not in the OpenAPI document (it is not API)', async () => {
    const document = (await app.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/admin'))).toEqual([]);
  });
});
