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
});
