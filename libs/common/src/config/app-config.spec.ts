import { ConfigValidationError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('defaults to the embedded database, port 3000 and a generated operator token', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.database.kind).toBe('embedded');
    expect(config.operatorToken.generated).toBe(true);
    expect(config.operatorToken.value).toMatch(/^rcop_[A-Za-z0-9_-]{43}$/);
    expect(config.seedDemo).toBe(true);
  });

  it('uses DATABASE_URL when set and trims a trailing slash from the public URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/rollcall',
      ROLLCALL_PUBLIC_URL: 'https://id.example.com/',
      PORT: '8080',
    });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/rollcall',
      poolSize: 10,
    });
    expect(config.publicUrl).toBe('https://id.example.com');
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const message = (caught as Error).message;
    expect(message).toContain('PORT must be a whole number');
    expect(message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(message).toContain('LOG_LEVEL must be one of');
  });

  it('reads LOG_FORMAT: auto unless json or pretty is asked for', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json', NODE_ENV: 'development' }).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'colour' })).toThrow(
      /LOG_FORMAT must be one of auto, json, pretty \(got "colour"\)/,
    );
  });

  it('refuses to start in production without an operator token', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /ROLLCALL_OPERATOR_TOKEN is required when NODE_ENV=production/,
    );
  });

  it('rejects a short operator token', () => {
    expect(() => loadConfig({ ROLLCALL_OPERATOR_TOKEN: 'short' })).toThrow(
      /at least 32 characters/,
    );
  });

  it('reads email, outbox worker and metrics settings', () => {
    const defaults = loadConfig({ ROLLCALL_PUBLIC_URL: 'https://id.example.com' });
    expect(defaults.smtp).toEqual({ url: undefined, from: 'Rollcall <no-reply@id.example.com>' });
    expect(defaults.outbox).toEqual({ worker: true, pollIntervalMs: 5_000, maxAttempts: 10 });
    expect(defaults.metricsToken).toBeUndefined();
    const set = loadConfig({
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      SMTP_FROM: 'Acme Identity <identity@example.com>',
      ROLLCALL_OUTBOX_WORKER: 'false',
      ROLLCALL_OUTBOX_POLL_MS: '250',
      ROLLCALL_OUTBOX_MAX_ATTEMPTS: '4',
      ROLLCALL_METRICS_TOKEN: 'a-long-enough-metrics-token',
    });
    expect(set.smtp).toEqual({
      url: 'smtps://user:pass@mail.example.com:465',
      from: 'Acme Identity <identity@example.com>',
    });
    expect(set.outbox).toEqual({ worker: false, pollIntervalMs: 250, maxAttempts: 4 });
    expect(set.metricsToken).toBe('a-long-enough-metrics-token');
  });

  it('reads the SAML worker settings', () => {
    expect(loadConfig({}).saml).toEqual({ worker: true, metadataRefreshHours: 6 });
    expect(
      loadConfig({ ROLLCALL_SAML_WORKER: 'false', ROLLCALL_SAML_METADATA_REFRESH_HOURS: '24' })
        .saml,
    ).toEqual({ worker: false, metadataRefreshHours: 24 });
    expect(() => loadConfig({ ROLLCALL_SAML_METADATA_REFRESH_HOURS: '0' })).toThrow(
      /ROLLCALL_SAML_METADATA_REFRESH_HOURS must be a whole number from 1 to 168/,
    );
  });

  it('reads rate limits, with defaults an IdP’s initial sync stays under', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      windowSeconds: 60,
      scim: 6_000,
      admin: 1_200,
      operatorAuthFailures: 20,
    });
    const set = loadConfig({
      ROLLCALL_RATE_LIMIT_WINDOW_SECONDS: '10',
      ROLLCALL_RATE_LIMIT_SCIM: '0',
      ROLLCALL_RATE_LIMIT_ADMIN: '50',
      ROLLCALL_RATE_LIMIT_OPERATOR_FAILURES: '5',
    });
    expect(set.rateLimits).toEqual({
      windowSeconds: 10,
      scim: 0,
      admin: 50,
      operatorAuthFailures: 5,
    });
  });

  it('names bad rate limits', () => {
    let message = '';
    try {
      loadConfig({
        ROLLCALL_RATE_LIMIT_WINDOW_SECONDS: '0',
        ROLLCALL_RATE_LIMIT_SCIM: '-1',
        ROLLCALL_RATE_LIMIT_ADMIN: 'lots',
        ROLLCALL_RATE_LIMIT_OPERATOR_FAILURES: '1.5',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      'ROLLCALL_RATE_LIMIT_WINDOW_SECONDS must be a whole number from 1 to 3600',
    );
    expect(message).toContain('ROLLCALL_RATE_LIMIT_SCIM must be a whole number from 0');
    expect(message).toContain('ROLLCALL_RATE_LIMIT_ADMIN must be a whole number from 0');
    expect(message).toContain(
      'ROLLCALL_RATE_LIMIT_OPERATOR_FAILURES must be a whole number from 0',
    );
  });

  it('names bad email, outbox and metrics settings', () => {
    let message = '';
    try {
      loadConfig({
        SMTP_URL: 'http://mail.example.com',
        SMTP_FROM: 'not an address',
        ROLLCALL_OUTBOX_WORKER: 'maybe',
        ROLLCALL_OUTBOX_POLL_MS: '0',
        ROLLCALL_OUTBOX_MAX_ATTEMPTS: '0',
        ROLLCALL_METRICS_TOKEN: 'short',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SMTP_URL must be a smtp:// or smtps:// URL');
    expect(message).toContain('SMTP_FROM must be an email address');
    expect(message).toContain('ROLLCALL_OUTBOX_WORKER must be true or false');
    expect(message).toContain('ROLLCALL_OUTBOX_POLL_MS must be a whole number from 10');
    expect(message).toContain('ROLLCALL_OUTBOX_MAX_ATTEMPTS must be a whole number from 1');
    expect(message).toContain('ROLLCALL_METRICS_TOKEN must be at least 16 characters');
  });
});
