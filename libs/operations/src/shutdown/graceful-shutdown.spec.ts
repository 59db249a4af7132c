import { type AddressInfo } from 'node:net';
import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { GracefulShutdown } from './graceful-shutdown';

interface Answer {
  status?: number;
  headers?: IncomingHttpHeaders;
  error?: string;
}

function get(port: number, agent: Agent | false): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code }));
    req.end();
  });
}

/** A server whose handler answers when the test says so, tracked like the app's middleware does. */
async function slowServer(shutdown: GracefulShutdown) {
  const pending: (() => void)[] = [];
  const server: Server = createServer((_req, res) => {
    shutdown.track(res);
    pending.push(() => res.end('done'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const received = async (count: number) => {
    while (pending.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return { server, port, pending, received };
}

describe('GracefulShutdown', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('refuses new connections, lets requests in flight finish with Connection: close, and resolves when the last one is answered', async () => {
    const shutdown = new GracefulShutdown();
    const { server, port, pending, received } = await slowServer(shutdown);
    const agent = new Agent({ keepAlive: true });
    const inFlight = [get(port, agent), get(port, agent), get(port, agent)];
    await received(3);

    let drained = false;
    const drain = shutdown.drain(server, 10_000).then(() => (drained = true));
    expect(shutdown.draining).toBe(true);
    expect(await get(port, false)).toEqual({ error: 'ECONNREFUSED' });
    expect(drained).toBe(false);

    pending.splice(0).forEach((answer) => answer());
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => [a.status, a.headers?.connection])).toEqual([
      [200, 'close'],
      [200, 'close'],
      [200, 'close'],
    ]);
    await drain;
    expect(drained).toBe(true);
    agent.destroy();
  });

  it('closes idle keep-alive connections at once instead of waiting for their timeout', async () => {
    const shutdown = new GracefulShutdown();
    const { server, port, pending, received } = await slowServer(shutdown);
    const agent = new Agent({ keepAlive: true });
    // The server's own keep-alive timeout never closes the idle connection: only drain can.
    server.keepAliveTimeout = 0;
    const first = get(port, agent);
    await received(1);
    pending.splice(0).forEach((answer) => answer());
    expect((await first).headers?.connection).toBe('keep-alive');
    const [idle] = Object.values(agent.freeSockets).flat();
    expect(idle).toBeDefined();
    const idleClosed = new Promise<void>((resolve) => idle?.once('close', () => resolve()));
    const cutAtDeadline = jest.spyOn(server, 'closeAllConnections');

    // Were the idle connection left open, drain would only end at its deadline, by cutting it.
    await shutdown.drain(server, 10_000);
    await idleClosed;
    expect(cutAtDeadline).not.toHaveBeenCalled();
    agent.destroy();
  });

  it('cuts the connections still open when the drain times out', async () => {
    const shutdown = new GracefulShutdown();
    const { server, port, received } = await slowServer(shutdown);
    const stuck = get(port, false);
    await received(1);
    await shutdown.drain(server, 200);
    expect((await stuck).error).toBe('ECONNRESET');
  });
});
