import type { Server, ServerResponse } from 'node:http';
import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** How often idle keep-alive connections are closed while draining. */
const SWEEP_MS = 100;

/**
 * Draining an instance before it exits (SIGTERM in a rolling deploy): the listener closes, so new
 * connections are refused and the load balancer moves on; the requests already in flight run to the
 * end and are answered with `Connection: close`; idle keep-alive connections are closed, so the
 * server is done as soon as the last response is sent. `/health/ready` answers 503 meanwhile.
 */
@Injectable()
export class GracefulShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private readonly inFlight = new Set<ServerResponse>();
  private isDraining = false;

  get draining(): boolean {
    return this.isDraining;
  }

  /** Counts a response as in flight until it is sent or its connection is gone. */
  track(response: ServerResponse): void {
    if (this.isDraining) response.setHeader('Connection', 'close');
    this.inFlight.add(response);
    const done = () => this.inFlight.delete(response);
    response.once('finish', done);
    response.once('close', done);
  }

  /**
   * Stops accepting connections and resolves once every connection is closed, cutting those still
   * open after `timeoutMs`.
   */
  async drain(server: Server, timeoutMs: number): Promise<void> {
    if (this.isDraining) return;
    this.isDraining = true;
    for (const response of this.inFlight) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    this.logger.log({ inFlight: this.inFlight.size }, 'draining: no new connections');
    await new Promise<void>((resolve) => {
      const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
      const deadline = setTimeout(() => {
        this.logger.warn(
          { inFlight: this.inFlight.size },
          `requests still running after ${timeoutMs} ms; closing their connections`,
        );
        server.closeAllConnections();
      }, timeoutMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        resolve();
      });
      server.closeIdleConnections();
    });
  }
}

/** Registers every request with GracefulShutdown (see there). */
@Injectable()
export class ShutdownTrackingMiddleware implements NestMiddleware {
  constructor(private readonly shutdown: GracefulShutdown) {}

  use(_request: Request, response: Response, next: NextFunction): void {
    this.shutdown.track(response);
    next();
  }
}
