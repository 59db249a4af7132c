import type { Server } from 'node:http';
import { GracefulShutdown } from '@rollcall/operations';
import { startTestApp, type TestApp } from '../support/test-app';

/** The load balancer's view of an instance that got SIGTERM (the drain itself: faults.e2e-spec). */
describe('readiness while draining', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers 503 on /health/ready once the instance drains, while /health/live stays 200', async () => {
    await app.http().get('/health/ready').expect(200);
    const server = app.app.getHttpServer() as Server;
    await app.app.get(GracefulShutdown).drain(server, 1_000);

    const ready = await app.http().get('/health/ready').expect(503);
    expect(ready.headers['retry-after']).toBeDefined();
    expect(JSON.parse(ready.text)).toMatchObject({ status: 503, code: 'service_unavailable' });
    await app.http().get('/health/live').expect(200);
    // Whatever still arrives on an open connection is told to close it.
    const late = await app.http().get('/health/live');
    expect(late.headers.connection).toBe('close');
  });
});
