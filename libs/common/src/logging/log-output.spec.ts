import { chooseLogFormat, createLogOutput, prettyMessage } from './log-output';

describe('chooseLogFormat', () => {
  it('is pretty at a terminal outside production, JSON everywhere else unless asked', () => {
    expect(chooseLogFormat('auto', 'development', true)).toBe('pretty');
    expect(chooseLogFormat('auto', 'test', true)).toBe('pretty');
    expect(chooseLogFormat('auto', 'production', true)).toBe('json');
    expect(chooseLogFormat('auto', 'development', false)).toBe('json');
    expect(chooseLogFormat('json', 'development', true)).toBe('json');
    expect(chooseLogFormat('pretty', 'production', false)).toBe('pretty');
  });
});

describe('prettyMessage', () => {
  it('puts the context before the message', () => {
    expect(prettyMessage({ context: 'DemoTenantSeeder', msg: 'created' }, 'msg')).toBe(
      '[DemoTenantSeeder] created',
    );
    expect(prettyMessage({ msg: 'plain' }, 'msg')).toBe('plain');
  });

  it("folds a request line's method, path, status, time and request id into the message", () => {
    const line = {
      msg: 'request completed',
      req: { id: 'req-1', method: 'GET', path: '/api/v1/users', remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
      responseTime: 4,
    };
    expect(prettyMessage(line, 'msg')).toBe(
      'request completed: GET /api/v1/users 200 in 4 ms (request req-1)',
    );
  });
});

describe('createLogOutput', () => {
  it("writes JSON to a test's sink whatever the format asked", async () => {
    const written: string[] = [];
    const output = await createLogOutput(
      { env: 'development', logFormat: 'pretty', logSink: { write: (l) => void written.push(l) } },
      { isTTY: true },
    );
    expect(output.format).toBe('json');
    output.stream.write('{"msg":"x"}\n');
    expect(written).toEqual(['{"msg":"x"}\n']);
  });

  it('pretty-prints when pino-pretty is installed (a development install)', async () => {
    const output = await createLogOutput(
      { env: 'development', logFormat: 'pretty' },
      { isTTY: false },
    );
    expect(output.format).toBe('pretty');
    expect(output.warning).toBeUndefined();
  });

  it('falls back to JSON when pino-pretty cannot be loaded (a production install)', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('pino-pretty', () => {
        throw new Error("Cannot find module 'pino-pretty'");
      });
      const isolated = jest.requireActual<typeof import('./log-output')>('./log-output');
      const asked = await isolated.createLogOutput(
        { env: 'production', logFormat: 'pretty' },
        { isTTY: true },
      );
      expect(asked.format).toBe('json');
      expect(asked.warning).toMatch(/LOG_FORMAT=pretty needs pino-pretty/);
      const auto = await isolated.createLogOutput(
        { env: 'development', logFormat: 'auto' },
        { isTTY: true },
      );
      expect(auto.format).toBe('json');
      expect(auto.warning).toBeUndefined();
    });
    jest.dontMock('pino-pretty');
  });
});
