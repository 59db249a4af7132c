import express from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import request from 'supertest';
import { applySecurityHeaders, recordHelmet } from './security-headers';

/** The headers of one response from an app that has only the given middleware. */
async function headersOf(middleware: express.RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  const response = await request(app).get('/');
  const headers = { ...(response.headers as Record<string, string>) };
  delete headers.date;
  return headers;
}

describe('security headers recorded from helmet', () => {
  const configurations: [string, HelmetOptions | undefined][] = [
    ['defaults', undefined],
    [
      'no upgrade-insecure-requests',
      { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } },
    ],
  ];

  it.each(configurations)('sets exactly what helmet sets (%s)', async (_name, options) => {
    const replayed = await headersOf(applySecurityHeaders(recordHelmet(options)));
    const live = await headersOf(helmet(options));
    expect(replayed).toEqual(live);
    expect(Object.keys(replayed)).toEqual(
      expect.arrayContaining(['content-security-policy', 'strict-transport-security']),
    );
  });

  it('records the two configurations differently', () => {
    const csp = (options?: HelmetOptions) =>
      recordHelmet(options).set.find(
        ([name]) => name.toLowerCase() === 'content-security-policy',
      )?.[1];
    expect(csp()).toContain('upgrade-insecure-requests');
    expect(
      csp({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }),
    ).not.toContain('upgrade-insecure-requests');
  });

  it('refuses a configuration whose headers are computed per request', () => {
    expect(() =>
      recordHelmet({
        contentSecurityPolicy: {
          directives: {
            scriptSrc: [(_req, res) => `'nonce-${String((res as { nonce?: string }).nonce)}'`],
          },
        },
      }),
    ).toThrow(/per request/);
  });
});
